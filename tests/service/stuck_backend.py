"""Test-only backend plugin for ``test_run_processes``: a CPU-bound run that never ends.

Loaded with ``SUMMARIZER_PLUGINS=tests.service.stuck_backend``, in the worker processes too. Not
part of ``slow_backend``, whose backends the API fuzzing may pick: a run that holds its worker
for two minutes would starve every other run there.
"""

from __future__ import annotations

import time

from summarizer.backends import register
from summarizer.backends.extractive import ExtractiveBackend


class StuckBackend(ExtractiveBackend):
    """A CPU-bound run that never ends (a worker process's lot, ``service/run_processes``): it
    holds its process, reporting progress, so tests can cancel it or kill it."""

    name = "stuck"

    def summarize_sync(self, corpus, options, progress):
        for _ in range(1200):  # progress every 0.1 s, as long work reports it
            progress("summarize_source", {"source_id": corpus.documents[0].id, "done": 0, "total": len(corpus.documents)})
            time.sleep(0.1)
        raise AssertionError("a stuck run was left running for two minutes")

    async def summarize(self, corpus, options, progress):
        return self.summarize_sync(corpus, options, progress)


register("stuck", lambda settings, options: StuckBackend())
