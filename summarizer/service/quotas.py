"""Per-key limits: requests per minute and jobs at once, each a 429 with ``Retry-After`` naming it.

Both apply only when API keys are configured (``SUMMARIZER_API_KEYS``): a key is who is limited.
Without keys every caller is the same anonymous owner, and the server-wide queue limit
(``SUMMARIZER_MAX_QUEUED_JOBS``) is what bounds the work.

- Rate (``SUMMARIZER_KEY_RATE_PER_MINUTE``): POST requests (the ones that start work: summaries,
  jobs, analyses, citations) per key. Reads (status, results, events) are not counted, so polling
  a job never locks its owner out. A token bucket holding one minute's worth: a key may send that
  many at once, then at the sustained rate. Counted IN EACH PROCESS (no shared state on the hot
  path): N API processes behind a balancer allow up to N times the rate.
- Jobs at once (``SUMMARIZER_KEY_MAX_ACTIVE_JOBS``): a key's jobs queued or running, counted in
  the job store (SQLite file or PostgreSQL), so the limit holds across API processes. The check
  and the insert are not one transaction: two processes accepting the same key's jobs in the same
  instant may both pass (one over the limit), never more.

Memory: one bucket per configured key at most (unknown keys are a 401 before this runs).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable, Optional

from fastapi import Depends, Request

from ..config.settings import Settings
from ..errors import RateLimited
from .auth import owner_of

#: Seconds a key over its job limit is asked to wait (jobs take seconds to minutes).
ACTIVE_RETRY_AFTER = 10


class KeyRateLimiter:
    """Token buckets per owner: ``per_minute`` tokens, refilled at ``per_minute / 60`` a second."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # owner -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, owner: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until the next token."""
        rate = self.per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(owner, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            if tokens >= 1.0:
                self._buckets[owner] = (tokens - 1.0, now)
                return 0.0
            self._buckets[owner] = (tokens, now)
            return (1.0 - tokens) / rate


class Quotas:
    def __init__(self, settings: Settings, keys_configured: bool) -> None:
        self.on = keys_configured
        self.rate = KeyRateLimiter(settings.key_rate_per_minute) if settings.key_rate_per_minute else None
        self.max_active = settings.key_max_active_jobs

    def check_rate(self, owner: str) -> None:
        if not self.on or self.rate is None:
            return
        wait = self.rate.take(owner)
        if wait > 0:
            retry = math.ceil(wait)
            raise RateLimited(f"this API key sent more than {self.rate.per_minute} requests per minute "
                              f"(SUMMARIZER_KEY_RATE_PER_MINUTE); retry after {retry} s", retry)

    def active_jobs_check(self) -> Optional[Callable[[int], None]]:
        """The check the job store runs in a new job's insert transaction (None: no limit)."""
        return self.refuse_over_active_limit if self.on and self.max_active else None

    def refuse_over_active_limit(self, active: int) -> None:
        if active >= self.max_active:
            raise RateLimited(f"this API key has {active} jobs queued or running; the limit is {self.max_active} "
                              f"(SUMMARIZER_KEY_MAX_ACTIVE_JOBS). Retry after {ACTIVE_RETRY_AFTER} s, "
                              "or when one of them has finished", ACTIVE_RETRY_AFTER, code="too_many_active_jobs")


async def rate_limit(request: Request, owner: str = Depends(owner_of)) -> None:
    """FastAPI dependency of every /v1 route: POSTs count toward the caller's rate (a coroutine:
    no worker thread for a token-bucket update)."""
    if request.method == "POST":
        request.app.state.svc.quotas.check_rate(owner)
