"""``summarizer serve`` that also counts the CPU time of its pipeline runs (for benchmarks/service.py).

    python benchmarks/timed_serve.py OUT_FILE serve --port N ...

The pipeline call of ``POST /v1/summaries`` made in the server process (``summarize`` as
``summarizer.service.pool`` calls it; ``summarizer.service.routes`` in checkouts before worker
processes) is wrapped to add up the event-loop thread's CPU time from its start to its end. Runs
in worker processes (``service/run_processes``) are not seen here: ``service.py`` reads their
CPU time from /proc. An input of up to
``cpu.INLINE_CHARS`` characters runs on that thread without yielding to other requests, so that
is the pipeline's own time, measured inside the server and in the same moments as the server's
total, rather than in another process at another time. On SIGUSR1 the totals so far are written
to OUT_FILE as JSON (``{"runs": n, "cpu_seconds": s}``).
"""

from __future__ import annotations

import json
import signal
import sys
import time

import summarizer.service.pool as pool
import summarizer.service.routes as routes
from summarizer.cli.main import main

# Where the server process calls the pipeline: the pool since worker processes, the route before.
caller = pool if hasattr(pool, "summarize") else routes

totals = {"runs": 0, "cpu_seconds": 0.0}
out_file = sys.argv.pop(1)
pipeline = caller.summarize


async def timed_summarize(*args, **kwargs):
    started = time.thread_time()
    try:
        return await pipeline(*args, **kwargs)
    finally:
        totals["cpu_seconds"] += time.thread_time() - started
        totals["runs"] += 1


def write_totals(signum, frame) -> None:
    with open(out_file, "w", encoding="utf-8") as f:
        json.dump(totals, f)


caller.summarize = timed_summarize
signal.signal(signal.SIGUSR1, write_totals)
sys.exit(main(sys.argv[1:]))
