"""The job queue (procrastinate over the same database) and the API side's ``QueueJobRunner``.

One procrastinate job runs one summarizer job: task ``TASK`` on queue ``QUEUE`` with argument
``job_id``. ``lock=job_id`` keeps two queue entries of one job from ever running at once and
``queueing_lock=job_id`` keeps a job from being queued twice while it waits. The API process only
queues and cancels; workers (``pg.worker``) run.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

import procrastinate
from procrastinate import exceptions as pq_exceptions
from procrastinate import jobs as pq_jobs
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from ...errors import StoreUnavailable
from .. import jobstore as js
from ..webhooks import WebhookSender
from .schema import QUEUE, TASK, first_line
from .store import PgJobStore

log = logging.getLogger("summarizer.service.queue")



class HandBack(Exception):
    """A draining worker returns its job to the queue unfinished (not a failure)."""


class RetryHandBacksOnly(BaseRetryStrategy):
    """Only hand-backs go back to the queue; a job's own failure is final (stored as ``failed``)."""

    def get_retry_decision(self, *, exception: BaseException, job: pq_jobs.Job) -> Optional[RetryDecision]:
        return RetryDecision(retry_in={"seconds": 0}) if isinstance(exception, HandBack) else None


def make_app(url: str, pool_size: int = 4) -> procrastinate.App:
    connector = procrastinate.PsycopgConnector(conninfo=url, min_size=1, max_size=max(2, pool_size))
    return procrastinate.App(connector=connector)


async def queue_job(app: procrastinate.App, job_id: str) -> Optional[int]:
    """Put the job in the queue; its queue id, or None when it is already waiting there."""
    deferrer = app.configure_task(TASK, queue=QUEUE, lock=job_id, queueing_lock=job_id)
    try:
        return await deferrer.defer_async(job_id=job_id)
    except pq_exceptions.AlreadyEnqueued:
        return None


class QueueJobRunner:
    """``JobRunner`` of an API process with a database: queue, cancel; workers run the jobs."""

    def __init__(self, store: PgJobStore, app: procrastinate.App, lease_seconds: float,
                 webhooks: Optional[WebhookSender] = None) -> None:
        self.store, self.app, self.lease_seconds, self.webhooks = store, app, lease_seconds, webhooks
        self._pending: set[asyncio.Task] = set()

    async def start(self) -> None:
        return None  # jobs of dead workers are re-queued by the workers' reaper, not at API start

    def submit(self, job_id: str) -> None:
        # The job is already committed; queueing it must not delay the 202. If this process dies
        # before the queue has it, a worker's reaper queues it (store.unqueued).
        task = asyncio.create_task(self._queue(job_id), name=f"queue-{job_id}")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _queue(self, job_id: str) -> None:
        try:
            queue_id = await queue_job(self.app, job_id)
            if queue_id is not None:
                await asyncio.to_thread(self.store.mark_queued, job_id, queue_id)
        except (pq_exceptions.ConnectorException, StoreUnavailable) as exc:
            log.error("could not queue job (%s); a worker will queue it within %.0f s", first_line(exc),
                      self.lease_seconds * 1.5, extra={"job_id": job_id})
        except Exception:  # a bug: the reaper still queues the job; keep the traceback
            log.exception("could not queue job", extra={"job_id": job_id})

    async def cancel(self, job_id: str) -> js.Job:
        before = await asyncio.to_thread(self.store.get, job_id)
        job = await asyncio.to_thread(self.store.set_status, job_id, js.CANCELLED)  # no-op when final
        if job.status != js.CANCELLED:
            return job
        if self.webhooks is not None and not before.finished:  # cancelled here and now: nobody else reports it
            self.webhooks.job_finished(job, await asyncio.to_thread(self.store.webhook_url, job_id))
        queue_id = await asyncio.to_thread(self.store.queue_job_id, job_id)
        if queue_id is not None:
            try:
                # A waiting entry is dropped; a running one is aborted on its worker (NOTIFY).
                await self.app.job_manager.cancel_job_by_id_async(queue_id, abort=True)
            except pq_exceptions.ConnectorException as exc:
                # The worker still stops: its next progress write finds the job cancelled.
                log.warning("could not signal the cancel to the worker (%s)", first_line(exc), extra={"job_id": job_id})
        return job

    async def aclose(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
