"""``RunContext``: everything one LLM summarization run reads and accumulates.

One ``LLMBackend`` serves many runs at once (the REST service shares one per process, so the chat
model's semaphore bounds every LLM call); each ``summarize`` call gets its own ``RunContext``.
The stages (map, reduce, conflicts) take it as their one argument: the corpus and resolved
config they read, the token budget they pack against, the chat model they call, and the typed
counters they add to. ``stats()`` is derived from those fields, so a new counter reaches
``result.stats`` by being declared, with no list to keep in step.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, TypeVar

from ...chat.budget import Budget
from ...chat.protocol import ChatModel, ChatReply, ChatRequest
from ...config.options import SummaryOptions
from ...config.run_config import RunConfig
from ...errors import ContextOverflow
from ...evidence.support import SupportCounters
from ...prepare.corpus import Corpus
from ...prepare.tokens import get_counter
from ...progress import Progress

T = TypeVar("T")


@dataclass
class RunCounters(SupportCounters):
    """The support check's counters plus the LLM stages' own (all reported in ``result.stats``)."""

    fallback_sentences: int = 0
    out_of_range_cites: int = 0
    failed_replies: int = 0
    map_chunks: int = 0  # map calls (a chunk of a long source, a short source, or a pack of them)
    packed_documents: int = 0  # documents mapped several to one call
    pack_fallbacks: int = 0  # packs whose reply stayed unusable, mapped again one document per call
    near_duplicate_documents: int = 0  # shown only their own passages, sharing their base's facts
    cross_article_cites: int = 0  # numbers of a pack's reply pointing into another article (dropped)
    reduce_levels: int = 0
    reduce_calls: int = 0
    conflict_candidates: int = 0
    llm_conflicts: int = 0
    dropped_conflicts: int = 0


@dataclass
class RunContext:
    chat: ChatModel
    corpus: Corpus
    config: RunConfig
    progress: Progress
    budget: Budget = field(init=False)
    counters: RunCounters = field(default_factory=RunCounters)
    replies: list[ChatReply] = field(default_factory=list)
    #: Prompt templates used, name -> sha256 (stats and eval cache keys).
    prompts: dict[str, str] = field(default_factory=dict)
    #: Wall seconds per stage (map, reduce, conflicts).
    seconds: dict[str, float] = field(default_factory=dict)
    #: Set once the map's first calls are on the wire: work run ``in_background`` starts then,
    #: so it never holds them back (``map_packs`` sets it).
    first_sent: asyncio.Event = field(default_factory=asyncio.Event)
    #: Set when the reduce sends its last call (one group): the conflicts call goes beside it,
    #: in a slot that round leaves free, never in one a reduce call of an earlier level needs.
    final_round: asyncio.Event = field(default_factory=asyncio.Event)
    _background: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _extractive_vectors: Optional[dict] = field(default=None, init=False, repr=False)
    _extractive_focus: Optional[dict] = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.budget = Budget(get_counter(self.options.encoding), self.chat.context_window)

    @property
    def options(self) -> SummaryOptions:
        return self.config.options

    @property
    def texts(self) -> dict[str, str]:
        return self.corpus.texts

    async def in_background(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` (pure CPU work) in a worker thread, once the first calls are on the wire.

        One job at a time, in the order asked, each started when no request is being written: a
        thread holding the GIL slows every step of the event loop, so fewer at once, and never
        while a request goes out, keeps the rounds of calls on time."""
        await self.first_sent.wait()
        async with self._background:
            await self.chat.wait_sent()
            return await asyncio.to_thread(fn, *args)

    def extractive_scores(self) -> None:
        """Build what the extractive picks score with (``extractive_vectors``, ``extractive_focus``)."""
        self.extractive_vectors()
        self.extractive_focus()

    def guarded_chat(self) -> "GuardedChat":
        """A view of the chat model for one structured call (see ``GuardedChat``)."""
        return GuardedChat(self)

    def extractive_vectors(self) -> dict:
        """TF-IDF vectors the extractive backend scores with; built only if a fallback needs them."""
        if self._extractive_vectors is None:
            from ..extractive import unit_vectors

            self._extractive_vectors = unit_vectors(self.corpus)
        return self._extractive_vectors

    def extractive_focus(self) -> dict:
        """The focus vector the extractive picks favour (empty without a focus)."""
        if self._extractive_focus is None:
            from ..extractive import text_focus

            self._extractive_focus = text_focus(self.corpus, self.options.focus)
        return self._extractive_focus

    def stats(self) -> dict[str, Any]:
        replies = self.replies
        modes = Counter(r.structured_mode for r in replies if r.structured_mode)
        return {
            "model": self.chat.model_name,
            "llm_calls": sum(1 for r in replies if not r.cached),
            "cache_hits": sum(1 for r in replies if r.cached),
            "prompt_tokens": sum(r.prompt_tokens for r in replies),
            "completion_tokens": sum(r.completion_tokens for r in replies),
            "truncated_replies": sum(1 for r in replies if r.finish_reason == "length"),
            "structured_mode": modes.most_common(1)[0][0] if modes else "",
            "prompts": dict(sorted(self.prompts.items())),
            "context_window": self.chat.context_window,
            "largest_request_tokens": self.budget.largest,
            "stage_seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            **dataclasses.asdict(self.counters),
        }


class GuardedChat(ChatModel):
    """The run's chat model as one structured call sees it: every request it sends (repairs and
    grown retries too) is checked against the budget first, and every reply is recorded.

    ``first_request_too_big`` tells the caller that the call's own request could not fit, which
    is a sizing error, unlike a repair round that outgrows the window (a failed reply)."""

    def __init__(self, run: RunContext) -> None:
        self.run = run
        self.model_name = run.chat.model_name
        self.context_window = run.chat.context_window
        self.max_concurrency = run.chat.max_concurrency
        self.requests = 0
        self.first_request_too_big = False

    async def complete(self, request: ChatRequest) -> ChatReply:
        self.requests += 1
        try:
            self.run.budget.check(request)
        except ContextOverflow:
            self.first_request_too_big = self.requests == 1
            raise
        reply = await self.run.chat.complete(request)
        self.run.replies.append(reply)
        return reply

    async def aclose(self) -> None:  # the backend owns the chat model, not the run
        return None


__all__ = ["GuardedChat", "RunContext", "RunCounters"]
