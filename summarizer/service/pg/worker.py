"""``QueueWorker``: runs queued jobs (``summarizer worker``, or ``serve --with-worker``).

A procrastinate worker fetches jobs (LISTEN/NOTIFY, polling as a fallback) and keeps a heartbeat
row; this module adds what the summarizer needs around it:

* ``run_job``: one job = one run of the pipeline on the process's shared backend; progress is
  written (coalesced) to the store, which NOTIFYs every API process; the result is stored only if
  this run is still the job's current run;
* the reaper: every ``lease/4`` s it re-queues jobs whose worker has not sent a heartbeat for
  ``lease`` s (kill -9, power loss), and queues jobs whose API process died before queueing them;
* drain: ``stop()`` (SIGTERM) fetches no new job, waits ``drain_seconds`` for running ones, then
  hands the rest back to the queue (queued again, attempt not counted), never failing them;
* a lost database connection: store calls retry with backoff; if the worker loop itself dies of
  it, it is logged and restarted after a pause; a job left unfinished by it is queued again by the
  reaper (``store.requeue_orphans``), so no job stays "running" with nobody running it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Optional

import procrastinate
from procrastinate import exceptions as pq_exceptions
from procrastinate import job_context
from procrastinate.worker import Worker

from ...config.settings import Settings
from ...errors import StoreUnavailable, SummarizerError
from .. import jobstore as js
from ..job_runner import run_summary
from ..pool import BackendPool
from ..retention import sweep_forever
from ..webhooks import WebhookSender
from .queue import HandBack, RetryHandBacksOnly, make_app, queue_job
from .schema import QUEUE, TASK
from .schema import first_line
from .store import PgJobStore

log = logging.getLogger("summarizer.service.worker")


class ProgressWriter:
    """Coalesces progress states (from any thread) into store writes, one at a time, latest wins."""

    def __init__(self, store: PgJobStore, job_id: str, run_id: str) -> None:
        self.store, self.job_id, self.run_id = store, job_id, run_id
        self._loop = asyncio.get_running_loop()
        self._owner = asyncio.current_task()
        self._latest: Optional[dict] = None
        self._task: Optional[asyncio.Task] = None
        self.superseded = False  # the job was cancelled or given to another worker meanwhile

    def put(self, state: dict) -> None:
        self._loop.call_soon_threadsafe(self._set, state)

    def _set(self, state: dict) -> None:
        self._latest = state
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._latest is not None and not self.superseded:
            state, self._latest = self._latest, None
            if not await asyncio.to_thread(self.store.write_progress, self.job_id, self.run_id, state):
                self.superseded = True
                if self._owner is not None:
                    self._owner.cancel()  # stop working on a job nobody waits for any more

    async def close(self) -> None:
        await asyncio.sleep(0)  # let states queued with call_soon_threadsafe land first
        if self._task is not None:
            await self._task


class QueueWorker:
    def __init__(self, settings: Settings, url: str, *, concurrency: Optional[int] = None,
                 name: Optional[str] = None, pool: Optional[BackendPool] = None) -> None:
        self.settings, self.url = settings, url
        self.concurrency = max(1, concurrency or settings.worker_concurrency)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.lease = settings.worker_lease_seconds
        self.pool = pool or BackendPool(settings)
        self._own_pool = pool is None
        self.store: Optional[PgJobStore] = None
        self.webhooks: Optional[WebhookSender] = None
        self.app: Optional[procrastinate.App] = None
        self._worker: Optional[Worker] = None
        self._stopping = asyncio.Event()

    # ---------------------------------------------------------------- lifecycle

    def stop(self) -> None:
        """Drain: take no new job, let running ones finish (or hand them back after drain_seconds)."""
        self._stopping.set()
        if self._worker is not None:
            self._worker.stop()

    async def run(self) -> None:
        """Run until ``stop()``; the store and the queue are opened here and closed on the way out."""
        self.store = await asyncio.to_thread(PgJobStore, self.url, retry_seconds=max(60.0, 3 * self.lease),
                                             max_connections=self.concurrency + 2)
        self.app = make_app(self.url, pool_size=self.concurrency + 3)
        self.app.task(name=TASK, queue=QUEUE, pass_context=True, retry=RetryHandBacksOnly())(self.run_job)
        self.webhooks = WebhookSender(self.settings)
        background = [asyncio.create_task(self._reap_forever(), name="reaper"),
                      asyncio.create_task(sweep_forever(self.store, self.settings), name="retention")]
        try:
            await self._work_until_stopped()
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await self.webhooks.aclose()
            await self.app.close_async()
            if self._own_pool:
                await self.pool.aclose()
            self.store.close()

    async def _work_until_stopped(self) -> None:
        pause = 1.0
        while not self._stopping.is_set():
            try:
                await self.app.open_async()
                self._worker = Worker(
                    self.app, queues=[QUEUE], name=self.name, concurrency=self.concurrency,
                    install_signal_handlers=False, shutdown_graceful_timeout=self.settings.worker_drain_seconds,
                    update_heartbeat_interval=self.lease / 4, stalled_worker_timeout=self.lease,
                    fetch_job_polling_interval=min(5.0, self.lease / 4), abort_job_polling_interval=min(5.0, self.lease / 4))
                log.info("worker started", extra={"worker": self.name, "concurrency": self.concurrency})
                await self._worker.run()
                if self._stopping.is_set():
                    break
                log.error("worker loop stopped on its own (lost database connection?); restarting in %.0f s", pause)
            except (pq_exceptions.ConnectorException, StoreUnavailable, OSError) as exc:
                log.error("worker lost the database (%s); restarting in %.0f s", first_line(exc), pause)
            await _sleep_unless(self._stopping, pause)
            pause = min(pause * 2, 30.0)
        log.info("worker stopped", extra={"worker": self.name})

    # ---------------------------------------------------------------- the task

    async def run_job(self, context: job_context.JobContext, job_id: str) -> None:
        store = self.store
        job, run_id = await asyncio.to_thread(store.start_run, job_id, context.job.id, self.name,
                                              self.settings.max_job_attempts)
        if run_id is None:
            log.info("job not run: it is %s", job.status, extra={"job_id": job_id})
            if job.status == js.FAILED and job.error and job.error.get("code") == "interrupted":
                await self._notify(job)  # failed just now, by this call (too many attempts)
            return
        log.info("job started", extra={"job_id": job_id, "attempt": job.attempts})
        writer = ProgressWriter(store, job_id, run_id)
        try:
            rows = await asyncio.to_thread(store.documents, job_id)
            data = await run_summary(job, rows, self.pool, self.settings, writer.put)
            await writer.close()
            finished = await asyncio.to_thread(store.finish_run, job_id, run_id, data)
            if finished is None:
                log.warning("result dropped: the job was cancelled or re-run meanwhile", extra={"job_id": job_id})
            else:
                await self._notify(finished)
        except asyncio.CancelledError:
            if context.abort_reason() == job_context.AbortReason.SHUTDOWN:
                await asyncio.to_thread(store.hand_back, job_id, run_id)
                log.info("job handed back to the queue (worker draining)", extra={"job_id": job_id})
                raise HandBack(job_id) from None
            log.info("job stopped: cancelled or taken over", extra={"job_id": job_id})
            if not writer.superseded:
                raise
        except StoreUnavailable:
            # Not the job's fault: left unfinished, the reaper queues it again once the database is back.
            log.error("job store unreachable during the job", extra={"job_id": job_id})
            raise
        except SummarizerError as exc:
            await self._notify(await asyncio.to_thread(store.fail_run, job_id, run_id,
                                                       {"code": exc.code, "message": str(exc)}))
        except Exception as exc:  # a bug: the job's reason short, the traceback in the log
            log.exception("job crashed", extra={"job_id": job_id})
            error = {"code": "internal_error", "message": f"internal error ({type(exc).__name__})"}
            await self._notify(await asyncio.to_thread(store.fail_run, job_id, run_id, error))

    async def _notify(self, job: Optional[js.Job]) -> None:
        """The job's webhook, if it has one, for a final state this worker has just written."""
        if job is not None and self.webhooks is not None:
            self.webhooks.job_finished(job, await asyncio.to_thread(self.store.webhook_url, job.id))

    # ---------------------------------------------------------------- the reaper

    async def _reap_forever(self) -> None:
        while True:
            try:
                await self.reap_once()
            except (pq_exceptions.ConnectorException, StoreUnavailable) as exc:
                log.warning("reaper could not reach the database (%s); trying again", first_line(exc))
            await asyncio.sleep(self.lease / 4)

    async def reap_once(self) -> None:
        await self.app.open_async()
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=self.lease):
            try:
                await manager.retry_job(job)
            except pq_exceptions.ConnectorException:
                continue  # another worker's reaper (or the worker itself) got there first
            log.warning("re-queued a job whose worker stopped sending heartbeats",
                        extra={"job_id": job.task_kwargs.get("job_id"), "dead_worker": job.worker_id})
        await manager.prune_stalled_workers(self.lease)
        for job_id in await asyncio.to_thread(self.store.requeue_orphans, self.lease):
            log.warning("job was left unfinished by its queue entry; queueing it again", extra={"job_id": job_id})
        for job_id in await asyncio.to_thread(self.store.unqueued, self.lease):
            queue_id = await queue_job(self.app, job_id)
            if queue_id is not None:
                await asyncio.to_thread(self.store.mark_queued, job_id, queue_id)
            log.warning("queued a job its API process did not queue", extra={"job_id": job_id})


async def _sleep_unless(event: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass
