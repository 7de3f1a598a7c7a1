"""The ``Backend`` base class and the ``Draft`` it returns.

A backend turns a prepared ``Corpus`` into a ``Draft``: per-source summaries, a consolidated
summary and conflicts, each sentence with citations. The pipeline then checks every citation
(``evidence.citations.enforce``) and assembles the result contract, so backends cannot return a
citation that does not hold. Backends are found by name in ``registry``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..contract.result import Sentence

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
    #: The whole run is CPU work that needs nothing outside the process (no LLM client, no model
    #: server, no shared limit), and a fresh instance made from (name, settings) gives the same
    #: result. A server may then run it in a worker process, to use every core
    #: (``service/run_processes.py``). Default: no.
    cpu_bound: bool = False

    @abc.abstractmethod
    async def summarize(self, corpus: "Corpus", options: "SummaryOptions", progress: "Progress") -> Draft:
        """The draft for ``corpus``; raise errors of ``summarizer.errors`` on failure."""

    def needs_opening(self) -> bool:
        """Whether ``open`` has work to do now. Default: no (nothing to acquire)."""
        return False

    async def open(self) -> None:
        """Acquire what ``summarize`` needs (a client, a model server); the pipeline calls it while
        it prepares the documents when ``needs_opening``. Idempotent. Default: nothing."""
        return None

    async def check_ready(self) -> None:
        """Raise a ``SummarizerError`` if a run could not succeed now (``/readyz``).

        Default: always ready, for a backend that needs nothing outside this process."""
        return None

    async def aclose(self) -> None:
        """Release what the backend holds (models, clients). Default: nothing."""
        return None
