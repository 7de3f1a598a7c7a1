"""``PgEventListener``: job events from every worker, into this API process's ``EventHub``.

The store NOTIFYs each state change on ``EVENTS_CHANNEL`` (progress inline; for a result only
the fact, the result is read from the store). One LISTEN connection per API process forwards the
events of jobs someone here is streaming. On a lost connection it reconnects with backoff and then
re-sends the stored state of every streamed job, so a stream misses no final state.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Optional

import psycopg

from ...errors import JobError
from ..events import EventHub
from .schema import first_line, redact
from .store import EVENTS_CHANNEL, PgJobStore

log = logging.getLogger("summarizer.service.events")
#: Without traffic, check the connection this often (a dead peer is otherwise noticed late).
_IDLE_CHECK_SECONDS = 15.0


class PgEventListener:
    def __init__(self, url: str, store: PgJobStore, hub: EventHub) -> None:
        self.url, self.store, self.hub = url, store, hub
        self._task: Optional[asyncio.Task] = None
        self.connected = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="pg-events")
        try:  # streams opened right after start-up must not miss events
            await asyncio.wait_for(self.connected.wait(), timeout=10)
        except asyncio.TimeoutError:
            log.warning("event listener not connected yet; streams fall back to the stored state")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _listen_forever(self) -> None:
        pause, first = 0.5, True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True,
                                                                 connect_timeout=10) as conn:
                    await conn.execute(f"LISTEN {EVENTS_CHANNEL}")
                    self.connected.set()
                    if not first:
                        log.warning("event listener reconnected to the database")
                        await self._resend_stored_states()
                    first, pause = False, 0.5
                    await self._forward(conn)
            except psycopg.OperationalError as exc:
                self.connected.clear()
                log.warning("event listener lost the database at %s (%s); reconnecting in %.1f s",
                            redact(self.url), first_line(exc), pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)

    async def _forward(self, conn: psycopg.AsyncConnection) -> None:
        while True:
            async for note in conn.notifies(timeout=_IDLE_CHECK_SECONDS):
                try:
                    await self._dispatch(note.payload)
                except (JobError, ValueError, KeyError) as exc:  # one bad event must not stop the others
                    log.warning("job event not forwarded (%s)", first_line(exc))
            await conn.execute("SELECT 1")

    async def _dispatch(self, payload: str) -> None:
        event = json.loads(payload)
        job_id = event["job"]
        if not self.hub.has_subscribers(job_id):
            return
        kind = event["event"]
        if kind == "progress":
            data = event["progress"]
        elif kind == "result":
            data = await asyncio.to_thread(self.store.result, job_id)
        else:
            data = event["error"]
        self.hub.publish(job_id, event["seq"], kind, data)

    async def _resend_stored_states(self) -> None:
        for job_id in self.hub.subscribed_jobs():
            job = await asyncio.to_thread(self.store.get, job_id)
            if not job.finished:
                self.hub.publish(job_id, job.seq, "progress", job.progress)
            elif job.status == "succeeded":
                self.hub.publish(job_id, job.seq, "result", await asyncio.to_thread(self.store.result, job_id))
            else:
                self.hub.publish(job_id, job.seq, "error", job.error or {"code": job.status,
                                                                         "message": f"job {job.status}"})
