"""Running jobs: the ``JobRunner`` protocol and an in-process asyncio runner.

The protocol is what the routes use; ``queue_runner.QueueJobRunner`` implements it over the
PostgreSQL queue (workers elsewhere run the jobs). The asyncio runner runs each job as a task, at most ``max_running`` at once; LLM calls are bounded
separately (and globally) by the shared backend's ChatModel. On shutdown running tasks are
handed back to the queue WITHOUT counting an attempt (``SqliteJobStore.hand_back``); only a run the
process died under (kill -9, a crash) counts, and ``recover`` fails a job after ``MAX_ATTEMPTS`` of those.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable, Optional, Protocol

from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.documents import Document
from ..contract.result import jsonable
from ..errors import StoreUnavailable, SummarizerError
from . import jobstore as js
from .deadline import LastProgress, within_deadline
from .deferred import DeferredWrites
from .events import EventHub, progress_state
from .pool import BackendPool
from .prometheus import Metrics
from .webhooks import WebhookSender

log = logging.getLogger("summarizer.service.runner")

#: A job the server died under this many times is failed instead of retried again.
MAX_ATTEMPTS = 3


class JobRunner(Protocol):
    """Runs (or queues) stored jobs: in this process, or through the PostgreSQL queue (queue_runner)."""

    async def start(self) -> None: ...
    def submit(self, job_id: str) -> None: ...
    async def cancel(self, job_id: str) -> js.Job: ...
    async def aclose(self) -> None: ...


def documents_from(rows: list[dict]) -> list[Document]:
    return [Document(id=r["id"], text=r["text"], title=r.get("title") or "",
                     page_starts=tuple(r["page_starts"]) if r.get("page_starts") else None) for r in rows]


class AsyncioJobRunner:
    def __init__(self, store: js.SqliteJobStore, pool: BackendPool, settings: Settings, hub: EventHub,
                 metrics: Metrics, max_running: int = 4, webhooks: Optional[WebhookSender] = None) -> None:
        self.store, self.pool, self.settings, self.hub, self.metrics = store, pool, settings, hub, metrics
        self.webhooks = webhooks
        self._sem = asyncio.Semaphore(max(1, max_running))
        self._tasks: dict[str, asyncio.Task] = {}
        self._closing = False
        self._cancel_requested: set[str] = set()  # cancel() already stored and published the state
        self.deferred = DeferredWrites()  # writes a full or unwritable job database refused

    async def start(self) -> None:
        """Resume what a previous process left unfinished (crash, kill -9, restart)."""
        try:
            self._resume(self.store.recover(MAX_ATTEMPTS))
        except StoreUnavailable as exc:  # a full disk must not keep the API from starting
            self.deferred.add("recover", "re-queue unfinished jobs", lambda: self.store.recover(MAX_ATTEMPTS),
                              self._resume, exc)

    def _resume(self, job_ids: list[str]) -> None:
        for job_id in job_ids:
            log.info("re-queued unfinished job", extra={"job_id": job_id})
            self.submit(job_id)

    def submit(self, job_id: str) -> None:
        task = asyncio.create_task(self._run(job_id), name=f"job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda t: self._finished_task(job_id, t))

    def _finished_task(self, job_id: str, task: asyncio.Task) -> None:
        self._tasks.pop(job_id, None)
        self._cancel_requested.discard(job_id)
        if not task.cancelled() and task.exception() is not None:  # retrieved and logged as JSON
            log.error("job task failed", exc_info=task.exception(), extra={"job_id": job_id})

    async def cancel(self, job_id: str) -> js.Job:
        job = self.store.set_status(job_id, js.CANCELLED)  # no-op when already final
        if job.status == js.CANCELLED and job_id not in self._cancel_requested:
            self._cancel_requested.add(job_id)
            self._publish_final(job)
        task = self._tasks.get(job_id)
        if task is not None:
            task.cancel()
        return job

    async def aclose(self) -> None:
        self._closing = True
        tasks = list(self._tasks.values())
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.deferred.aclose()  # unsaved results: the jobs stay "running", recover re-queues them

    # ---------------------------------------------------------------- internals

    def _publish_final(self, job: js.Job) -> None:
        if job.status == js.SUCCEEDED:
            self.hub.publish(job.id, job.seq, "result", self.store.result(job.id))
        else:
            self.hub.publish(job.id, job.seq, "error", job.error or {"code": job.status, "message": f"job {job.status}"})
        self.metrics.job_finished(job.status)
        if self.webhooks is not None:
            self.webhooks.job_finished(job, self.store.webhook_url(job.id))

    def _start(self, job_id: str) -> Optional[js.Job]:
        """The job marked running, or None when it is final already or cannot be marked now (it
        then runs once the store takes writes again)."""
        try:
            job = self.store.get(job_id)
            if job.finished:
                return None
            job = self.store.set_status(job_id, js.RUNNING)
        except StoreUnavailable as exc:
            self.deferred.add(job_id, "start the job", lambda: self.store.set_status(job_id, js.QUEUED),
                              lambda _job: self.submit(job_id), exc)
            return None
        return job if job.status == js.RUNNING else None  # None: cancelled while queued

    async def _run(self, job_id: str) -> None:
        queued_at = time.perf_counter()
        async with self._sem:
            job = self._start(job_id)
            if job is None:
                return
            started = time.perf_counter()
            self.metrics.job_wait.observe(started - queued_at)
            self.hub.publish(job_id, job.seq, "progress", job.progress)
            try:
                await self._execute(job)
            except asyncio.CancelledError:
                if self._closing:
                    self._hand_back(job_id)
                elif job_id not in self._cancel_requested:
                    self._store_final(job_id, js.CANCELLED, None)
                raise
            except SummarizerError as exc:
                self._store_final(job_id, js.FAILED, {"code": exc.code, "message": str(exc)})
            except Exception as exc:  # a bug: keep the job's reason short, the traceback in the log
                log.exception("job crashed", extra={"job_id": job_id})
                self._store_final(job_id, js.FAILED,
                                  {"code": "internal_error", "message": f"internal error ({type(exc).__name__})"})
            finally:
                self.metrics.job_run.observe(time.perf_counter() - started)

    def _hand_back(self, job_id: str) -> None:
        """Shutting down cleanly: the job waits for the next start, with no attempt counted. If
        the store cannot take it (disk full), the job stays "running" and the next start's
        ``recover`` re-queues it as after a crash (one attempt counted)."""
        try:
            if self.store.hand_back(job_id):
                log.info("handed a running job back for the next start", extra={"job_id": job_id})
        except SummarizerError as exc:
            log.error("could not hand a running job back: %s", exc, extra={"job_id": job_id})

    def _store_final(self, job_id: str, status: str, error: Optional[dict]) -> None:
        """Store a failed or cancelled state and publish it; later, if the store cannot take it now."""
        def published(job: js.Job) -> None:
            if job.status == status:
                self._publish_final(job)

        try:
            published(self.store.set_status(job_id, status, error))
        except StoreUnavailable as exc:
            self.deferred.add(job_id, f"store the job's {status} state",
                              lambda: self.store.set_status(job_id, status, error), published, exc)

    async def _execute(self, job: js.Job) -> None:
        loop = asyncio.get_running_loop()
        unsaved: list[StoreUnavailable] = []

        def store_progress(state: dict) -> None:
            try:
                seq = self.store.set_progress(job.id, state)
            except StoreUnavailable as exc:  # progress is not worth failing the run for
                if not unsaved:
                    log.warning("job progress not saved: %s", exc, extra={"job_id": job.id})
                unsaved.append(exc)
                return
            loop.call_soon_threadsafe(self.hub.publish, job.id, seq, "progress", state)

        data = await run_summary(job, self.store.documents(job.id), self.pool, self.settings, store_progress)
        self.metrics.observe_result(data)

        def published(final: js.Job) -> None:
            if final.status == js.SUCCEEDED:
                self._publish_final(final)

        try:
            published(self.store.set_result(job.id, data))
        except StoreUnavailable as exc:  # kept in memory until the store takes it
            self.deferred.add(job.id, "save the result", lambda: self.store.set_result(job.id, data), published, exc)


def forward_progress(sink: Callable[[dict], None]) -> Callable[[str, dict], None]:
    """The pipeline's ``progress(stage, info)`` as contract progress states, never moving back.

    Called from the event loop and from worker threads (prepare, extractive picks).
    """
    high_water = [0.0]

    def progress(stage: str, info: dict) -> None:
        state = progress_state(stage, info)
        # A progress bar never moves back, even when a backend re-reports a stage.
        high_water[0] = state["fraction"] = max(high_water[0], state["fraction"])
        sink(state)

    return progress


async def run_summary(job: js.Job, rows: list[dict], pool: BackendPool, settings: Settings,
                      sink: Callable[[dict], None]) -> dict:
    """Run one stored job through the pipeline on the process's shared backend; the result as JSON.
    Past ``SUMMARIZER_JOB_DEADLINE_SECONDS`` it is stopped: DeadlineExceeded, saying how far it got."""
    options = SummaryOptions.model_validate(job.options)
    last = LastProgress(sink)
    work = pool.summarize(documents_from(rows), options, forward_progress(last))
    result = await within_deadline(work, settings.job_deadline_seconds, last, "SUMMARIZER_JOB_DEADLINE_SECONDS")
    return jsonable(result)


def new_runner(store: js.SqliteJobStore, pool: BackendPool, settings: Settings, hub: EventHub,
               metrics: Metrics, max_running: Optional[int] = None,
               webhooks: Optional[WebhookSender] = None) -> AsyncioJobRunner:
    return AsyncioJobRunner(store, pool, settings, hub, metrics, max_running or settings.max_running_jobs, webhooks)
