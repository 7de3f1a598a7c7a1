"""Test-only backend plugin: the extractive backend, slowed down per source.

Loaded inside the server process with ``SUMMARIZER_PLUGINS=tests.service.slow_backend``; it makes a
job last long enough to watch its progress, cancel it, or kill the server under it.
``SUMMARIZER_TEST_SLOW_SECONDS`` is the pause per source (default 0.5).
"""

from __future__ import annotations

import asyncio
import os

from summarizer.backends import register
from summarizer.backends.extractive import ExtractiveBackend


class SlowBackend(ExtractiveBackend):
    name = "slow"
    cpu_bound = False  # it mostly sleeps, and tests read this instance's counters: in the server process

    def __init__(self) -> None:
        self.active = 0  # runs in progress on this instance right now
        self.max_active = 0

    async def summarize(self, corpus, options, progress):
        delay = float(os.environ.get("SUMMARIZER_TEST_SLOW_SECONDS", "0.5"))
        total = len(corpus.documents)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            for n, doc in enumerate(corpus.documents):
                await asyncio.sleep(delay)
                progress("summarize_source", {"source_id": doc.id, "done": n + 1, "total": total})
            draft = await super().summarize(corpus, options, progress)
        finally:
            self.active -= 1
        # Lets tests see that jobs share one instance and how many ran on it at once.
        draft.stats.update(backend_instance=id(self), max_parallel=self.max_active)
        return draft


register("slow", lambda settings, options: SlowBackend())


class DownBackend(ExtractiveBackend):
    """A backend whose endpoint is unreachable: /readyz must say 503."""

    name = "down"

    async def check_ready(self) -> None:
        from summarizer.errors import LLMUnavailable

        raise LLMUnavailable("test endpoint http://127.0.0.1:9/v1 refused the connection")


register("down", lambda settings, options: DownBackend())


class BrokenBackend(ExtractiveBackend):
    """A backend whose model endpoint goes away mid-job: the job fails with llm_unavailable."""

    name = "broken"
    cpu_bound = False  # it sleeps, then fails as an LLM endpoint would

    async def summarize(self, corpus, options, progress):
        from summarizer.errors import LLMUnavailable

        progress("summarize_source", {"source_id": corpus.documents[0].id, "done": 0, "total": len(corpus.documents)})
        await asyncio.sleep(0.2)
        raise LLMUnavailable("the model endpoint http://127.0.0.1:9/v1 refused the connection")


register("broken", lambda settings, options: BrokenBackend())

