"""Settings for one CLI run: flags over the environment, ``.env`` and the user's config file,
with provider presets (``--model ollama:llama3.2``) resolved into an endpoint and a model first.

Messages here name the CLI's flags: they are for the person at the terminal. A preset's endpoint
is used unless ``--base-url`` is given; a preset may also come from ``SUMMARIZER_MODEL`` or the
config file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from pydantic import ValidationError

from ..config.presets import resolve_preset
from ..config.settings import Settings
from ..errors import ConfigError

ENDPOINT_HINT = ("pass --base-url URL (e.g. http://127.0.0.1:8080/v1) or a provider preset such as "
                 "--model ollama:llama3.2, or set SUMMARIZER_BASE_URL")
MODEL_HINT = "pass --model NAME (or a preset such as --model ollama:llama3.2), or set SUMMARIZER_MODEL"


@dataclass(frozen=True)
class CliRun:
    settings: Settings
    backend: str
    model: Optional[str]  # the model the run asks for (None: the backend's default)


def make_settings(**overrides: Any) -> Settings:
    """``Settings(**overrides)``, a bad value anywhere becoming a ConfigError naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"setting {name} (SUMMARIZER_{name.upper()}): {first['msg']}", field=name) from exc


def resolve_run(model: Optional[str] = None, base_url: Optional[str] = None, backend: Optional[str] = None,
                **overrides: Any) -> CliRun:
    if base_url:
        overrides["base_url"] = base_url
    if model:
        overrides["model"] = model
    settings = make_settings(**overrides)
    preset = resolve_preset(settings.model) if settings.model else None
    if preset is not None and backend and backend != preset.backend:
        if model:
            raise ConfigError(f"--model {model!r} names an OpenAI-compatible endpoint; "
                              f"it cannot run with --backend {backend} (leave --backend out)")
        preset = None  # a preset from the environment or config file; --backend chose another backend
    if preset is not None:
        overrides.update(model=preset.model, base_url=base_url or preset.base_url)
        settings = make_settings(**overrides)
        backend = preset.backend
    name = backend or settings.default_backend()
    check_endpoint(name, settings)
    return CliRun(settings=settings, backend=name, model=settings.model if (model or preset) else None)


def check_endpoint(backend: str, settings: Settings) -> None:
    """Fail before reading any document when the 'openai' backend lacks its endpoint or model."""
    if backend != "openai":
        return
    if not settings.base_url:
        raise ConfigError(f"the 'openai' backend needs an endpoint: {ENDPOINT_HINT}", field="base_url")
    if not settings.model:
        raise ConfigError(f"the 'openai' backend needs a model name: {MODEL_HINT}", field="model")
