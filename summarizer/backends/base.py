"""The ``Backend`` base class and the backend registry.

A backend turns a prepared ``Corpus`` into a ``Draft``: per-source summaries, a consolidated
summary and conflicts, each sentence with citations. The pipeline then checks every citation
(``evidence.citations.enforce``) and assembles the result contract, so backends cannot return a citation
that does not hold.

Backends register by name, like simonw/llm's model plugins: built-ins call ``register`` at import
(``backends/builtin``), third-party packages expose a factory under the ``summarizer.backends``
entry-point group (discovered once per process), ``SUMMARIZER_PLUGINS`` modules call ``register``.
Every chat provider (``chat/registry``) is a backend name too: an ``LLMBackend`` on that provider,
unless a backend registered under the same name.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..chat.registry import PROVIDERS
from ..contract.result import Sentence
from ..errors import ConfigError
from ..plugins import Registry

if TYPE_CHECKING:
    from ..config.options import SummaryOptions
    from ..config.settings import Settings
    from ..prepare.corpus import Corpus
    from ..progress import Progress

ENTRY_POINT_GROUP = "summarizer.backends"


@dataclass
class Draft:
    per_source: dict[str, list[Sentence]]
    consolidated: list[Sentence]
    conflicts: list[Sentence] = field(default_factory=list)
    #: Backend-specific stats merged into the result's ``stats`` (model, llm_calls, tokens...).
    stats: dict[str, Any] = field(default_factory=dict)


class Backend(abc.ABC):
    """Summarizes a corpus. Only ``summarize`` is required; the other capabilities have defaults."""

    #: The name the result reports (``SummaryResult.stats.backend``).
    name: str

    @abc.abstractmethod
    async def summarize(self, corpus: "Corpus", options: "SummaryOptions", progress: "Progress") -> Draft:
        """The draft for ``corpus``; raise errors of ``summarizer.errors`` on failure."""

    async def check_ready(self) -> None:
        """Raise a ``SummarizerError`` if a run could not succeed now (``/readyz``).

        Default: always ready, for a backend that needs nothing outside this process."""
        return None

    async def aclose(self) -> None:
        """Release what the backend holds (models, clients). Default: nothing."""
        return None


BackendFactory = Callable[["Settings", "SummaryOptions"], Backend]
BACKENDS: Registry[BackendFactory] = Registry(ENTRY_POINT_GROUP, "backend")


def register(name: str, factory: BackendFactory) -> None:
    BACKENDS.register(name, factory)


def _builtins() -> None:
    from . import builtin  # noqa: F401  (registers the built-in backends at first import)


def available() -> list[str]:
    """Every backend name: registered backends and every chat provider's LLM backend."""
    _builtins()
    return sorted(set(BACKENDS.names()) | set(PROVIDERS.names()))


def check_name(name: str) -> None:
    """Raise a ConfigError (naming the ``options.backend`` field) for an unregistered backend."""
    _builtins()
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
