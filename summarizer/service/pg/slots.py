"""One LLM concurrency limit per endpoint across every process: PostgreSQL advisory locks.

Slot ``i`` of an endpoint is the session advisory lock ``(hash(endpoint), i)``; a request in flight
holds one. ``pg_try_advisory_lock`` takes a free slot atomically, and PostgreSQL releases the locks
of a session that ends, so the slots of a worker killed with kill -9 come free by themselves. Each
process has one connection that holds its locks and one that LISTENs for freed slots (a release
sends a NOTIFY); a waiter also looks again every ``_RECHECK_SECONDS``, for slots freed by a dying
session, which sends none.

If the lock connection is lost, its locks are gone with it: it reconnects, and calls in flight at
that moment no longer count, so the limit may be exceeded briefly (logged).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections import defaultdict
from typing import AsyncIterator, Optional

import psycopg

from ...chat.limits import ConcurrencyLimit
from .schema import first_line

log = logging.getLogger("summarizer.service.slots")
CHANNEL = "summarizer_llm_slots"
_RECHECK_SECONDS = 0.5
# CASE fixes the evaluation order: never try a lock this session holds (it would stack, not fail).
_TAKE = ("SELECT s FROM generate_series(0, %s) AS s "
         "WHERE CASE WHEN s = ANY(%s::int[]) THEN false ELSE pg_try_advisory_lock(%s, s) END LIMIT 1")


def endpoint_key(endpoint: str) -> int:
    """A stable int4 for the endpoint (the first half of the advisory lock key)."""
    return zlib.crc32(endpoint.rstrip("/").encode()) - 2**31


class SharedSlots:
    """The process's lock and listen connections; ``limit(endpoint, n)`` is a ``LimitFactory``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: Optional[psycopg.AsyncConnection] = None
        self._lock = asyncio.Lock()  # one statement at a time on the lock connection
        self._held: dict[int, set[int]] = defaultdict(set)
        self._freed = asyncio.Event()
        self._listener: Optional[asyncio.Task] = None

    async def open(self) -> None:
        self._conn = await self._connect()
        self._listener = asyncio.create_task(self._listen_forever(), name="llm-slots")

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        if self._conn is not None:
            await self._conn.close()  # ends the session: any slot still held is freed

    def limit(self, endpoint: str, limit: int) -> ConcurrencyLimit:
        return EndpointSlots(self, endpoint_key(endpoint), limit)

    async def _connect(self) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(self.url, autocommit=True, connect_timeout=10)

    def _wake(self) -> None:
        self._freed.set()
        self._freed = asyncio.Event()

    async def acquire(self, key: int, limit: int) -> int:
        while True:
            freed = self._freed  # taken before trying, so a release in between is not missed
            attempt = asyncio.create_task(self._try_take(key, limit))
            try:
                slot = await asyncio.shield(attempt)
            except asyncio.CancelledError:
                taken = await attempt  # the lock may be ours already: give it back, then stop
                if taken is not None:
                    await self.release(key, taken)
                raise
            if slot is not None:
                return slot
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(freed.wait(), timeout=_RECHECK_SECONDS)

    async def _try_take(self, key: int, limit: int) -> Optional[int]:
        async with self._lock:
            held = self._held[key]
            try:
                row = await (await self._conn.execute(_TAKE, (limit - 1, list(held), key))).fetchone()
            except psycopg.OperationalError as exc:
                await self._reconnect(exc)
                return None
            if row is None:
                return None
            held.add(row[0])
            return row[0]

    async def release(self, key: int, slot: int) -> None:
        async with self._lock:
            held = self._held[key]
            if slot not in held:
                return  # lost with a previous connection
            held.discard(slot)
            try:
                await self._conn.execute("SELECT pg_advisory_unlock(%s, %s), pg_notify(%s, %s)",
                                         (key, slot, CHANNEL, str(key)))
            except psycopg.OperationalError as exc:
                await self._reconnect(exc)
        self._wake()

    async def _reconnect(self, exc: Exception) -> None:
        in_flight = sum(len(h) for h in self._held.values())
        log.warning("LLM slot connection lost (%s); %d request(s) in flight no longer count against the "
                    "shared limit; reconnecting", first_line(exc), in_flight)
        self._held.clear()
        with contextlib.suppress(psycopg.Error):
            await self._conn.close()
        try:
            self._conn = await self._connect()
        except psycopg.OperationalError as again:
            log.warning("LLM slot connection: reconnect failed (%s); retrying", first_line(again))
            await asyncio.sleep(1.0)

    async def _listen_forever(self) -> None:
        pause = 0.5
        while True:
            try:
                async with await self._connect() as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    pause = 0.5
                    while True:
                        async for _note in conn.notifies(timeout=15.0):
                            self._wake()
                        await conn.execute("SELECT 1")
            except psycopg.OperationalError as exc:
                log.warning("LLM slot listener lost the database (%s); reconnecting in %.1f s", first_line(exc), pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)


class EndpointSlots:
    """The ``ConcurrencyLimit`` of one endpoint, shared by every process on the database."""

    def __init__(self, shared: SharedSlots, key: int, limit: int) -> None:
        self.shared, self.key, self.limit = shared, key, limit

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        taken = await self.shared.acquire(self.key, self.limit)
        try:
            yield
        finally:
            await asyncio.shield(self.shared.release(self.key, taken))
