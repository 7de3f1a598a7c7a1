"""How many LLM requests may be in flight at one endpoint: a limit per process, or a shared one.

``OpenAIChatModel`` takes a slot from ``limit_for(endpoint, n)`` around every HTTP attempt. By
default that is an ``asyncio.Semaphore`` of this process. A deployment with several worker
processes (PostgreSQL job queue) installs a factory whose limits are shared by every process, so
that a hosted API that rate-limits per key sees at most ``n`` requests however many workers run.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncIterator, Callable, Optional, Protocol


class ConcurrencyLimit(Protocol):
    """At most N holders at once; ``slot()`` waits for a free one and gives it back on exit."""

    def slot(self) -> contextlib.AbstractAsyncContextManager[None]: ...


class LocalLimit:
    """A limit for this process only."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._semaphore = asyncio.Semaphore(limit)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._semaphore:
            yield


LimitFactory = Callable[[str, int], ConcurrencyLimit]
_shared_factory: Optional[LimitFactory] = None


def install_shared_limits(factory: Optional[LimitFactory]) -> None:
    """Make every chat model created from now on use ``factory(endpoint, limit)`` (None: local)."""
    global _shared_factory
    _shared_factory = factory


def limit_for(endpoint: str, limit: int) -> ConcurrencyLimit:
    return _shared_factory(endpoint, limit) if _shared_factory is not None else LocalLimit(limit)


__all__ = ["ConcurrencyLimit", "LimitFactory", "LocalLimit", "install_shared_limits", "limit_for"]
