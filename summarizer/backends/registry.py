"""The backend registry: which names build a ``Backend``, and how.

A backend turns a prepared ``Corpus`` into a ``Draft``: per-source summaries, a consolidated
summary and conflicts, each sentence with citations. The pipeline then checks every citation
(``evidence.citations.enforce``) and assembles the result contract, so backends cannot return a
citation that does not hold.

Backends register by name, like simonw/llm's model plugins: the built-in "extractive" is bound by
reference below, third-party packages expose a factory under the ``summarizer.backends``
entry-point group (discovered once per process), ``SUMMARIZER_PLUGINS`` modules call ``register``.
Every chat provider (``chat/registry``) is a backend name too: an ``LLMBackend`` on that provider,
unless a backend registered under the same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..chat.registry import PROVIDERS
from ..errors import ConfigError
from ..plugins import Registry
from .base import Backend

if TYPE_CHECKING:
    from ..config.options import SummaryOptions
    from ..config.settings import Settings

ENTRY_POINT_GROUP = "summarizer.backends"

BackendFactory = Callable[["Settings", "SummaryOptions"], Backend]
BACKENDS: Registry[BackendFactory] = Registry(ENTRY_POINT_GROUP, "backend")
# The built-in non-LLM backend, by reference (imported on first use, like a plugin). "openai" and
# "local" need no entry: they are chat providers (``chat/registry``), and every provider is an LLM
# backend (see ``_is_provider_backend``).
BACKENDS.register_reference("extractive", "summarizer.backends.extractive:create_backend")


def register(name: str, factory: BackendFactory) -> None:
    BACKENDS.register(name, factory)


def available() -> list[str]:
    """Every backend name: registered backends and every chat provider's LLM backend."""
    return sorted(set(BACKENDS.names()) | set(PROVIDERS.names()))


def check_name(name: str) -> None:
    """Raise a ConfigError (naming the ``options.backend`` field) for an unregistered backend."""
    if name not in BACKENDS and name not in PROVIDERS:
        raise ConfigError(f"unknown backend {name!r}; available: {', '.join(available())}", field="options.backend")


def _is_provider_backend(name: str) -> bool:
    """Whether ``name`` means an LLMBackend on the provider ``name``. Code registrations beat entry
    points (no installed package takes over "openai"); at the same level a backend beats a provider."""
    if BACKENDS.registered(name):
        return False
    return PROVIDERS.registered(name) or name not in BACKENDS


def _factory(name: str) -> BackendFactory:
    if not _is_provider_backend(name):
        return BACKENDS.get(name)
    from .llm.backend import LLMBackend  # imported lazily: the extractive path needs none of it

    return lambda settings, options: LLMBackend(backend_name=name, settings=settings, options=options)


def create(name: str, settings: "Settings", options: "SummaryOptions") -> Backend:
    check_name(name)
    backend = _factory(name)(settings, options)
    if not isinstance(backend, Backend):
        raise ConfigError(f"backend {name!r} built a {type(backend).__name__}, not a "
                          "summarizer.backends.Backend subclass")
    return backend
