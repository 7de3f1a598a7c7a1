"""Whether a backend can run with the operator's settings, told from the settings alone.

``unusable_reason(name, settings)`` answers without starting a model or calling an endpoint (so
``GET /v1/backends`` and job submission stay fast): "openai" needs a base URL and a model name,
"local" needs llama-cpp-python and a model file. Whether a configured endpoint is up is another
question (``/readyz``). Backends without a check (the extractive one, plugins) are usable; a
plugin can declare its own with ``register_check``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

from ..errors import SummarizerError

if TYPE_CHECKING:
    from ..config.settings import Settings

#: ``check(settings)`` -> why the backend cannot run (one short sentence), or None.
ConfigCheck = Callable[["Settings"], Optional[str]]


def _openai(settings: "Settings") -> Optional[str]:
    if not settings.base_url:
        return "no base URL configured (SUMMARIZER_BASE_URL)"
    if not settings.model and not settings.allowed_models:
        return "no model configured (SUMMARIZER_MODEL)"
    return None


def _local(settings: "Settings") -> Optional[str]:
    from ..chat.local_server import check_llama_cpp, resolve_model_path  # its module only when asked

    try:
        check_llama_cpp()
        resolve_model_path(settings.local_model_path)
    except SummarizerError as exc:
        return str(exc)
    return None


_CHECKS: dict[str, ConfigCheck] = {"openai": _openai, "local": _local}


def register_check(name: str, check: ConfigCheck) -> None:
    """Declare how to tell from settings whether backend ``name`` can run."""
    _CHECKS[name] = check


def unusable_reason(name: str, settings: "Settings") -> Optional[str]:
    """Why backend ``name`` cannot run with ``settings``; None when nothing in them stops it."""
    check = _CHECKS.get(name)
    return check(settings) if check is not None else None


__all__ = ["ConfigCheck", "register_check", "unusable_reason"]
