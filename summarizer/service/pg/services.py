"""What a process with ``SUMMARIZER_DATABASE_URL`` opens: store, queue runner, events, LLM slots.

``api_services`` is used by ``create_app``: the API process queues, stores, streams and cancels;
with ``with_worker`` it also runs a ``QueueWorker`` in the same event loop. ``shared_llm_limits``
is also entered by ``summarizer worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

from ...chat.limits import install_shared_limits
from ...config.settings import Settings
from ..events import EventHub
from ..pool import BackendPool
from ..webhooks import WebhookSender
from .events import PgEventListener
from .queue import QueueJobRunner, make_app
from .schema import check, connect
from .slots import SharedSlots
from .store import PgJobStore
from .worker import QueueWorker

log = logging.getLogger("summarizer.service.pg")
#: API calls wait this long for a lost database before answering 503 (they run on the event loop).
API_STORE_RETRY_SECONDS = 2.0


def database_url(settings: Settings) -> str:
    assert settings.database_url is not None
    return settings.database_url.get_secret_value()


def check_database(settings: Settings) -> None:
    """Raise StoreUnavailable (one line) unless the database is reachable and its schema current."""
    url = database_url(settings)
    with connect(url) as conn:
        check(conn, url)


@contextlib.asynccontextmanager
async def shared_llm_limits(url: str) -> AsyncIterator[SharedSlots]:
    """Every chat model created inside uses the cluster-wide per-endpoint limit."""
    slots = SharedSlots(url)
    await slots.open()
    install_shared_limits(slots.limit)
    try:
        yield slots
    finally:
        install_shared_limits(None)
        await slots.aclose()


@contextlib.asynccontextmanager
async def api_services(settings: Settings, pool: BackendPool, hub: EventHub) -> AsyncIterator[tuple]:
    """(store, runner) for the routes, with the event listener and (optionally) a worker running."""
    url = database_url(settings)
    store = await asyncio.to_thread(PgJobStore, url, retry_seconds=API_STORE_RETRY_SECONDS)
    app = make_app(url)
    listener = PgEventListener(url, store, hub)
    worker_task = None
    worker = None
    webhooks = WebhookSender(settings)  # for jobs cancelled here; workers notify the jobs they end
    try:
        async with shared_llm_limits(url):
            await app.open_async()
            runner = QueueJobRunner(store, app, settings.worker_lease_seconds, webhooks)
            await listener.start()
            if settings.with_worker:
                worker = QueueWorker(settings, url, pool=pool)
                worker_task = asyncio.create_task(worker.run(), name="in-process-worker")
            try:
                yield store, runner
            finally:
                if worker is not None:
                    worker.stop()  # drain: finish or hand back, never fail
                    await asyncio.gather(worker_task, return_exceptions=True)
                await runner.aclose()
                await webhooks.aclose()
                await listener.aclose()
                await app.close_async()
    finally:
        store.close()
