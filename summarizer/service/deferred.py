"""Job-store writes that failed because the database could not take them, retried until it can.

When the job database's disk is full (``StorageFull``) or its file cannot be written
(``StoreUnavailable``), a runner must neither lose what it was about to save (a finished job's
result, the reason a job failed) nor leave the job "running" for ever. It hands the write to
``DeferredWrites``, which retries it with backoff and, once it is stored, calls ``then`` (publish
the final state). The value stays in memory meanwhile; if the process stops first, the job is
still "running" in the store and the next start's ``recover`` re-queues it from its stored input.
Every failure and every success is logged (JSON, with the job id).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

from ..errors import StoreUnavailable

log = logging.getLogger("summarizer.service.runner")


class DeferredWrites:
    def __init__(self, first_delay: float = 0.5, max_delay: float = 10.0) -> None:
        self.first_delay, self.max_delay = first_delay, max_delay
        self._tasks: dict[str, asyncio.Task] = {}

    def add(self, key: str, what: str, write: Callable[[], Any], then: Callable[[Any], None],
            error: Exception) -> None:
        """Retry ``write()`` until the store takes it, then ``then(its value)``. ``error`` is why
        the first try failed (logged). A newer write for the same ``key`` replaces an older one."""
        log.error("could not %s: %s; retrying until the job database takes it", what, error,
                  extra={"job_id": key})
        old = self._tasks.pop(key, None)
        if old is not None:
            old.cancel()
        task = asyncio.create_task(self._retry(key, what, write, then), name=f"deferred-{key}")
        self._tasks[key] = task
        task.add_done_callback(lambda t: self._done(key, t))

    def pending(self) -> list[str]:
        return list(self._tasks)

    async def aclose(self) -> None:
        tasks, self._tasks = list(self._tasks.values()), {}
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _retry(self, key: str, what: str, write: Callable[[], Any], then: Callable[[Any], None]) -> None:
        delay, tries = self.first_delay, 1
        while True:
            await asyncio.sleep(delay)
            tries += 1
            try:
                value = write()
            except StoreUnavailable as exc:
                log.debug("still cannot %s (try %d): %s", what, tries, exc, extra={"job_id": key})
                delay = min(delay * 2, self.max_delay)
                continue
            log.info("did %s after %d tries", what, tries, extra={"job_id": key})
            then(value)
            return

    def _done(self, key: str, task: asyncio.Task) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("deferred write failed for good: %s", exc, exc_info=exc, extra={"job_id": key})
