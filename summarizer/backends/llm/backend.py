"""LLM backend: map (one summary per source), reduce (consolidated), conflicts; citations verified.

Citations are exact by construction: the model only ever sees numbered passages (content units
after cleaning and dedup, never junk) and answers with numbers, which resolve to ``Unit``s and then
to exact spans with ``cite_unit``. What a number *means* is then checked lexically
(``summarizer.evidence.support``): wrong numbers are re-pointed or dropped, filler and made-up quotes or
figures never reach the result, and a summary left shorter than asked (or empty) is filled up
with the extractive backend's picks (counted as ``fallback_sentences``).

One ``LLMBackend`` serves many runs, also concurrently (the REST service shares one so that the
model's semaphore bounds every LLM call of the process): all per-run state lives in ``_Run``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, Optional

from ...chat.protocol import ChatModel, ChatReply, ChatRequest
from ...config.options import SummaryOptions
from ...prepare.corpus import Corpus
from ...prepare.tokens import get_counter
from ...progress import Progress
from ..base import Backend, Draft
from .budget import Budget
from .conflicts_stage import find_llm_conflicts
from .map_stage import map_sources
from .reduce_stage import reduce_all

if TYPE_CHECKING:
    from ...config.settings import Settings


class _Checked:
    """The run's view of the model: every request (repairs too) is size-checked, every reply kept."""

    def __init__(self, inner: ChatModel, run: "_Run") -> None:
        self.inner = inner
        self.run = run
        self.model_name = inner.model_name
        self.context_window = inner.context_window

    async def complete(self, request: ChatRequest) -> ChatReply:
        self.run.budget.check(request)
        reply = await self.inner.complete(request)
        self.run.replies.append(reply)
        return reply

    async def aclose(self) -> None:  # the backend owns the model, not the run
        return None


class _Run:
    """Everything one ``summarize`` call accumulates: replies, counters, timings, prompts used."""

    def __init__(self, model: ChatModel, corpus: Corpus, options: SummaryOptions, progress: Progress,
                 max_output_tokens: int, temperature: float) -> None:
        self.model = _Checked(model, self)
        self.corpus = corpus
        self.options = options
        self.progress = progress
        self.max_output_tokens = max_output_tokens
        self.temperature = temperature
        self.texts = corpus.texts
        self.budget = Budget(get_counter(options.encoding), model.context_window)
        self.replies: list[ChatReply] = []
        self.counts: Counter = Counter()
        self.prompts: dict[str, str] = {}
        self.seconds: dict[str, float] = {}
        self._extractive_vectors: Optional[dict] = None

    def extractive_vectors(self) -> dict:
        """TF-IDF vectors the extractive backend scores with; built only if a fallback needs them."""
        if self._extractive_vectors is None:
            from ..extractive import unit_vectors

            self._extractive_vectors = unit_vectors(self.corpus)
        return self._extractive_vectors

    def stats(self) -> dict[str, Any]:
        modes = Counter(r.structured_mode for r in self.replies if r.structured_mode)
        out: dict[str, Any] = {
            "model": self.model.model_name,
            "llm_calls": sum(1 for r in self.replies if not r.cached),
            "cache_hits": sum(1 for r in self.replies if r.cached),
            "prompt_tokens": sum(r.prompt_tokens for r in self.replies),
            "completion_tokens": sum(r.completion_tokens for r in self.replies),
            "truncated_replies": sum(1 for r in self.replies if r.finish_reason == "length"),
            "structured_mode": modes.most_common(1)[0][0] if modes else "",
            "prompts": dict(sorted(self.prompts.items())),
            "context_window": self.model.context_window,
            "largest_request_tokens": self.budget.largest,
            "stage_seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }
        for key in ("fallback_sentences", "filler_sentences", "unsupported_citations", "repointed_citations",
                    "unsupported_sentences", "unsupported_numbers", "made_up_quotes", "duplicate_sentences",
                    "out_of_range_cites", "failed_replies", "map_chunks", "reduce_levels", "reduce_calls",
                    "conflict_candidates", "llm_conflicts", "dropped_conflicts"):
            out[key] = self.counts.get(key, 0)
        return out


class LLMBackend(Backend):
    """Backend over a ``ChatModel``: injected, or opened lazily from settings via ``chat_model_for``."""

    def __init__(self, model: Optional[ChatModel] = None, *, backend_name: str = "openai",
                 settings: Optional["Settings"] = None, options: Optional[SummaryOptions] = None) -> None:
        if model is None and settings is None:
            raise TypeError("LLMBackend needs a model or settings")
        self.name = backend_name
        self._model = model
        self._settings = settings
        self._options = options or SummaryOptions()
        self._opened: Any = None  # the context manager we entered, closed by aclose()
        self._open_lock = asyncio.Lock()

    async def model(self) -> ChatModel:
        if self._model is None:
            async with self._open_lock:
                if self._model is None:
                    from ...chat.providers import chat_model_for  # llm-client branch

                    cm = chat_model_for(self.name, self._settings, self._options)
                    self._model = await cm.__aenter__()
                    self._opened = cm
        return self._model

    async def check_ready(self) -> None:
        """Raise a summarizer error when the endpoint cannot answer (opening it if needed)."""
        await (await self.model()).ping()

    async def aclose(self) -> None:
        if self._opened is not None:
            cm, self._opened = self._opened, None
            self._model = None
            await cm.__aexit__(None, None, None)

    def _max_output_tokens(self) -> int:
        return self._settings.max_output_tokens if self._settings is not None else 512

    def _temperature(self, options: SummaryOptions) -> float:
        if options.temperature is not None:
            return options.temperature
        return self._settings.temperature if self._settings is not None else 0.0

    async def summarize(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        model = await self.model()
        run = _Run(model, corpus, options, progress, self._max_output_tokens(), self._temperature(options))
        t0 = time.perf_counter()
        per_source = await map_sources(run)
        run.seconds["map"] = time.perf_counter() - t0

        async def timed(stage: str, coro):
            t = time.perf_counter()
            try:
                return await coro
            finally:
                run.seconds[stage] = time.perf_counter() - t

        # Conflicts do not depend on the map results: they share the reduce's wait.
        conflicts_coro = find_llm_conflicts(run) if options.find_conflicts else _nothing()
        consolidated, conflicts = await asyncio.gather(
            timed("reduce", reduce_all(run, per_source)), timed("conflicts", conflicts_coro)
        )
        sentences = {sid: [item.sentence for item in items] for sid, items in per_source.items()}
        return Draft(sentences, consolidated, conflicts, run.stats())


async def _nothing() -> list:
    return []
