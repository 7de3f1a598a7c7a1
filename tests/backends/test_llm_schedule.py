"""When the LLM stages make their calls: prepared one round ahead, background work after the
first round is sent, the conflicts call beside the reduce's last call."""

from __future__ import annotations

import asyncio
import random

from summarizer.backends.llm.context import RunContext
from summarizer.config.options import SummaryOptions
from summarizer.config.run_config import resolve
from summarizer.contract.documents import Document
from summarizer.prepare.corpus import prepare
from summarizer.testing.fake_chat import FakeChatModel

from ..llm_helpers import kind, run, seed_docs
from .test_llm_backend import disagreeing_docs, echo_handler


class CountingModel(FakeChatModel):
    """Records the requests in flight at once (it has no limit of its own)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = self.max_in_flight = 0

    async def complete(self, request):
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await super().complete(request)
        finally:
            self.in_flight -= 1


def long_docs(n: int) -> list[Document]:
    """Distinct documents long enough to be mapped one per call."""
    rng = random.Random(7)

    def name() -> str:
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)).title()

    return [Document(f"d{i}", " ".join(f"The council of {name()} approved {name()} funds for the {name()} works."
                                       for _ in range(40))) for i in range(n)]


def test_map_calls_are_prepared_about_one_round_ahead():
    """All at once, preparing every call (render, count, analyse) would hold back the first
    requests' writing: at most twice the model's limit are on their way at any time."""
    model = CountingModel(echo_handler, latency=0.02)
    model.max_concurrency = 3
    result = run(long_docs(20), model, SummaryOptions(find_conflicts=False, chunk_tokens=128))
    assert result.stats.map_chunks >= 20
    assert 3 <= model.max_in_flight <= 6


def test_conflicts_call_goes_beside_the_last_reduce_call():
    """A conflicts call made earlier takes a slot a map or first-level reduce call needs (at 500
    documents: one whole extra round); beside the reduce's last call it takes a free one."""
    docs = seed_docs() + disagreeing_docs()
    model = FakeChatModel(echo_handler, context_window=1100, latency=0.01)
    options = SummaryOptions(per_source_sentences=3, consolidated_sentences=2, chunk_tokens=200, chunk_overlap=20)
    result = run(docs, model, options)
    assert result.stats.reduce_levels >= 2
    purposes = [r.purpose for r in model.requests]
    assert kind(model.requests[-1]) in ("conflicts", "reduce")
    last_level = f"reduce:{result.stats.reduce_levels}:"
    assert purposes.index("conflicts") > max(i for i, p in enumerate(purposes) if p.startswith("reduce:")
                                             and not p.startswith(last_level))


def test_background_work_waits_for_the_first_calls_to_be_sent():
    async def main() -> list[str]:
        docs = seed_docs()
        corpus = prepare(docs, "cl100k_base", SummaryOptions().dedup_threshold, lambda *a: None)
        ctx = RunContext(FakeChatModel(echo_handler), corpus, resolve(None, SummaryOptions()), lambda *a: None)
        order: list[str] = []
        job = asyncio.ensure_future(ctx.in_background(order.append, "job"))
        await asyncio.sleep(0.05)
        order.append("first sent")
        ctx.first_sent.set()
        await job
        return order

    assert asyncio.run(main()) == ["first sent", "job"]
