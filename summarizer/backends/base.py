"""The ``Backend`` base class and the backend registry.

A backend turns a prepared ``Corpus`` into a ``Draft``: per-source summaries, a consolidated
summary and conflicts, each sentence with citations. The pipeline then checks every citation
(``evidence.citations.enforce``) and assembles the result contract, so backends cannot return a citation
that does not hold.

Backends register by name, like simonw/llm's model plugins: built-ins call ``register`` at import,
third-party packages expose a factory under the ``summarizer.backends`` entry-point group.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Callable

from ..contract.result import Sentence
from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config.options import SummaryOptions
    from ..config.settings import Settings
    from ..prepare.corpus import Corpus
    from ..progress import Progress


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
_REGISTRY: dict[str, BackendFactory] = {}


def register(name: str, factory: BackendFactory) -> None:
    _REGISTRY[name] = factory


def _load_plugins() -> None:
    for ep in entry_points(group="summarizer.backends"):
        if ep.name not in _REGISTRY:
            try:
                register(ep.name, ep.load())
            except Exception as exc:
                raise ConfigError(f"backend plugin {ep.name!r} failed to load: {exc}") from exc


def available() -> list[str]:
    from . import builtin  # noqa: F401  (registers the built-in backends)

    _load_plugins()
    return sorted(_REGISTRY)


def check_name(name: str) -> None:
    """Raise a ConfigError (naming the ``options.backend`` field) for an unregistered backend."""
    names = available()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown backend {name!r}; available: {', '.join(names)}", field="options.backend")


def create(name: str, settings: "Settings", options: "SummaryOptions") -> Backend:
    check_name(name)
    return _REGISTRY[name](settings, options)
