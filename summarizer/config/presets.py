"""Provider presets: ``--model PROVIDER:MODEL[@URL]`` names an OpenAI-compatible endpoint and a
model in one go (pure: no I/O, no environment).

    ollama:llama3.2                       -> http://127.0.0.1:11434/v1, model "llama3.2"
    ollama:llama3.2:3b                    -> the same endpoint, model "llama3.2:3b"
    vllm:Qwen/Qwen2.5-7B-Instruct@http://gpu:8000/v1
    openai:gpt-4o-mini                    -> https://api.openai.com/v1
    lmstudio:NAME, llamacpp:NAME          -> their servers' default local ports

Every preset means backend "openai" (the OpenAI-compatible client). A model name without a known
provider prefix is not a preset (``llama3.2:3b`` stays a plain model name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import ConfigError

#: Provider -> its default endpoint (the server's documented default port on this machine).
PROVIDERS: dict[str, str] = {
    "ollama": "http://127.0.0.1:11434/v1",
    "vllm": "http://127.0.0.1:8000/v1",
    "openai": "https://api.openai.com/v1",
    "lmstudio": "http://127.0.0.1:1234/v1",
    "llamacpp": "http://127.0.0.1:8080/v1",
}


@dataclass(frozen=True)
class Endpoint:
    backend: str
    base_url: str
    model: str


def _split_url(rest: str) -> tuple[str, Optional[str]]:
    for marker in ("@http://", "@https://"):
        at = rest.rfind(marker)
        if at >= 0:
            return rest[:at], rest[at + 1:]
    return rest, None


def resolve_preset(spec: str) -> Optional[Endpoint]:
    """The endpoint a ``--model`` value names, or None when it is a plain model name."""
    provider, sep, rest = spec.partition(":")
    if not sep or provider.lower() not in PROVIDERS:
        return None
    model, url = _split_url(rest)
    if not model:
        raise ConfigError(f"--model {spec!r}: give a model name after '{provider}:', "
                          f"e.g. {provider}:{'llama3.2' if provider == 'ollama' else 'MODEL'}")
    return Endpoint(backend="openai", base_url=(url or PROVIDERS[provider.lower()]).rstrip("/"), model=model)
