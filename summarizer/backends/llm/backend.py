"""LLM backend: map (one summary per source), reduce (consolidated), conflicts; citations verified.

Citations are exact by construction: the model only ever sees numbered passages (content units
after cleaning and dedup, never junk) and answers with numbers, which resolve to ``Unit``s and then
to exact spans with ``cite_unit``. What a number *means* is then checked lexically
(``summarizer.evidence.support``): wrong numbers are re-pointed or dropped, filler and made-up
quotes or figures never reach the result, and a summary left shorter than asked (or empty) is filled up
with the extractive backend's picks (counted as ``fallback_sentences``).

One ``LLMBackend`` serves many runs, also concurrently (the REST service shares one so that the
model's semaphore bounds every LLM call of the process): all per-run state lives in a
``RunContext`` (``context.py``).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Optional

from ...chat.protocol import ChatModel
from ...config.options import SummaryOptions
from ...config.run_config import resolve
from ...prepare.corpus import Corpus
from ...progress import Progress
from ..base import Backend, Draft
from .context import RunContext
from .conflicts_stage import conflict_evidence, find_llm_conflicts
from .map_packs import map_sources
from .reduce_stage import reduce_all, spare_picks

if TYPE_CHECKING:
    from ...config.settings import Settings


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

    def needs_opening(self) -> bool:
        return self._model is None

    async def open(self) -> None:
        await self.model()

    async def check_ready(self) -> None:
        """Raise a summarizer error when the endpoint cannot answer (opening it if needed)."""
        await (await self.model()).ping()

    async def aclose(self) -> None:
        if self._opened is not None:
            cm, self._opened = self._opened, None
            self._model = None
            await cm.__aexit__(None, None, None)

    async def summarize(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        chat = await self.model()
        run = RunContext(chat, corpus, resolve(self._settings, options), progress)
        t0 = time.perf_counter()
        # Work that does not depend on the map, done while the map calls wait, in the order it is
        # needed: the extractive scores (top-ups), the reduce's spare picks, the conflicts' evidence.
        scores = asyncio.ensure_future(run.in_background(run.extractive_scores))
        spare = spare_picks(run)
        evidence = asyncio.ensure_future(conflict_evidence(run)) if options.find_conflicts else None
        try:
            per_source = await map_sources(run, scores)
        except BaseException:
            for job in (scores, evidence, spare):
                if job is not None:
                    job.cancel()
            raise
        run.seconds["map"] = time.perf_counter() - t0

        async def timed(stage: str, coro):
            t = time.perf_counter()
            try:
                return await coro
            finally:
                run.seconds[stage] = time.perf_counter() - t

        # Conflicts do not depend on the map results: their call goes beside the reduce's last.
        conflicts_coro = find_llm_conflicts(run, evidence) if evidence is not None else _nothing()
        stages = [asyncio.ensure_future(timed("reduce", reduce_all(run, per_source, spare))),
                  asyncio.ensure_future(timed("conflicts", conflicts_coro))]
        try:
            consolidated, conflicts = await asyncio.gather(*stages)
        except BaseException:
            for stage in stages:  # the other one too
                stage.cancel()
            raise
        sentences = {sid: [item.sentence for item in items] for sid, items in per_source.items()}
        return Draft(sentences, consolidated, conflicts, run.stats())


async def _nothing() -> list:
    return []
