"""A deadline for a whole run, reported with how far the run got.

An LLM call may legitimately take ``request_timeout`` and be retried ``max_retries`` times, so one
hung upstream could hold a synchronous request for half an hour (300 s x 6). The service gives
each run a deadline instead: ``SUMMARIZER_SYNC_DEADLINE_SECONDS`` for ``POST /v1/summaries`` (a
504) and ``SUMMARIZER_JOB_DEADLINE_SECONDS`` for a job (failed, its input kept). The error says
which stage the run had reached, from the last progress state it reported.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

from ..errors import DeadlineExceeded

T = TypeVar("T")


class LastProgress:
    """A progress sink that remembers the latest state (and passes it on to ``then``)."""

    def __init__(self, then: Optional[Callable[[dict], None]] = None) -> None:
        self.state: Optional[dict[str, Any]] = None
        self.then = then
        self.started = time.monotonic()

    def __call__(self, state: dict) -> None:
        self.state = state
        if self.then is not None:
            self.then(state)

    def describe(self) -> str:
        seconds = time.monotonic() - self.started
        if self.state is None:
            return f"nothing reported after {seconds:.0f} s"
        st = self.state
        count = f" ({st['done']} of {st['total']})" if st.get("total") else ""
        return f"stage '{st['stage']}'{count}, {st['fraction']:.0%} of the run, after {seconds:.0f} s"


async def within_deadline(work: Awaitable[T], seconds: float, progress: LastProgress, setting: str) -> T:
    """``await work``, or DeadlineExceeded (the work cancelled) once ``seconds`` have passed."""
    try:
        async with asyncio.timeout(seconds) as scope:
            return await work
    except TimeoutError:
        if not scope.expired():
            raise  # a timeout from inside the run, not ours
        raise DeadlineExceeded(f"the run did not finish within its deadline of {seconds:g} s ({setting}); "
                               f"it had reached {progress.describe()}") from None
