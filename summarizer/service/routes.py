"""The /v1 endpoints. Thin: check input, call the pipeline / job store / runner, shape the reply."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Literal, Optional

import pydantic_core
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sse_starlette.sse import EventSourceResponse

from ..config.options import SummaryOptions
from ..contract.result import SummaryResult
from ..errors import JobNotFound, JobNotReady
from ..citing import acite
from ..citing import jsonable as report_json
from ..io.render import citations_markdown, to_markdown
from ..io.render_text import to_text
from ..pipeline import check_options
from ..prepare.corpus import prepare
from . import jobstore as js
from .auth import owner_of
from .deadline import LastProgress, within_deadline
from .http_protocol import requests_in_flight
from .job_runner import documents_from, forward_progress
from .middleware import error_body
from .idempotency import REPLAYED_HEADER, idempotency_key, request_hash
from .quotas import rate_limit
from .routes_jobs import job_view
from .schemas import (ERROR_RESPONSES, BackendsView, CancelView, CitationRequest, ErrorBody, JobCreated, JobRequest,
                      JobView, SummaryRequest, check_citation_request, check_request, stored_documents)
from .webhooks import check_webhook_url

log = logging.getLogger("summarizer.service")
# rate_limit depends on owner_of (401 first), so listing owner_of too would only solve it twice.
router = APIRouter(prefix="/v1", dependencies=[Depends(rate_limit)], responses=ERROR_RESPONSES)
Format = Literal["json", "markdown"]
#: A result's formats: the contract's JSON, Markdown, or the CLI's plain text (``io.render_text``).
ResultFormat = Literal["json", "markdown", "text"]
_RESULT_DOC = {200: {"description": "result contract v1 (JSON), Markdown or plain text",
                     "content": {"application/json": {}, "text/markdown": {}, "text/plain": {}}}}


def _state(request: Request):
    return request.app.state.svc


def _render_model(result: SummaryResult, fmt: str) -> Response:
    if fmt == "markdown":
        return PlainTextResponse(to_markdown(result), media_type="text/markdown")
    if fmt == "text":
        return PlainTextResponse(to_text(result))
    # The model straight to JSON bytes (what JSONResponse would send for its model_dump), not
    # through a dict and json.dumps.
    return Response(pydantic_core.to_json(result), media_type="application/json")


def _render(result: dict, fmt: str) -> Response:
    if fmt == "json":
        return JSONResponse(result)
    return _render_model(SummaryResult.model_validate(result), fmt)


#: nginx's code for "client closed request": only ever seen in the access log, as nobody is left to read it.
CLIENT_CLOSED = 499


async def _client_gone(request: Request) -> None:
    """Return when the client disconnects. The body is already read, so the next message the
    server has for this request is ``http.disconnect``."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _unless_client_leaves(request: Request, work) -> tuple[bool, object]:
    """Run ``work`` (a coroutine) unless the client leaves first; then cancel it, so that no more
    LLM calls are made for nobody. Returns (finished, result)."""
    task, gone = asyncio.ensure_future(work), asyncio.ensure_future(_client_gone(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in (task, gone):
            if not t.done():
                t.cancel()
        await asyncio.gather(task, gone, return_exceptions=True)
    return (False, None) if task.cancelled() else (True, task.result())


@router.post("/summaries", responses=_RESULT_DOC, summary="Summarize documents (synchronous)")
async def create_summary(body: SummaryRequest, request: Request, format: ResultFormat = "json") -> Response:
    svc = _state(request)
    documents = check_request(body, svc.settings)
    last = LastProgress()  # what the run had done, for the 504 past SUMMARIZER_SYNC_DEADLINE_SECONDS
    work = svc.pool.summarize(documents, body.options, forward_progress(last), alone=requests_in_flight() == 1)
    finished, result = await _unless_client_leaves(request, within_deadline(
        work, svc.settings.sync_deadline_seconds, last, "SUMMARIZER_SYNC_DEADLINE_SECONDS"))
    if not finished:
        log.info("client disconnected; the run was cancelled")
        return Response(status_code=CLIENT_CLOSED)
    svc.metrics.observe_result({"stats": result.stats.model_dump()})
    return _render_model(result, format)


@router.post("/citations", summary="Verified citations for a summary written elsewhere",
             responses={200: {"description": "each sentence: status, exact citations, reason",
                              "content": {"application/json": {}, "text/markdown": {}}}})
async def create_citations(body: CitationRequest, request: Request, format: Format = "json") -> Response:
    svc = _state(request)
    documents = check_citation_request(body, svc.settings)
    summary = body.summary if body.summary is not None else body.sentences
    report = await acite(summary, documents, body.options, svc.settings)
    if format == "markdown":
        return PlainTextResponse(citations_markdown(report), media_type="text/markdown")
    return JSONResponse(report_json(report))


#: Seconds a client is asked to wait when the queue is full (jobs take seconds to minutes).
QUEUE_RETRY_AFTER = 10


def _queue_full(svc) -> Optional[JSONResponse]:
    """A 429 when ``SUMMARIZER_MAX_QUEUED_JOBS`` jobs already wait (counted in the store, so across
    processes): accepted work is stored and kept, so unbounded acceptance only defers the failure."""
    limit = svc.settings.max_queued_jobs
    queued = svc.store.count_by_status().get(js.QUEUED, 0)
    if queued < limit:
        return None
    body = error_body("queue_full", f"{queued} jobs are waiting; the limit is {limit}. "
                                    f"Retry after {QUEUE_RETRY_AFTER} s")
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(QUEUE_RETRY_AFTER)})


def _job_created(job: js.Job, replayed: bool) -> JSONResponse:
    base = f"/v1/jobs/{job.id}"
    payload = {"id": job.id, "status": job.status, "created_at": job.created_at,
               "links": {"self": base, "result": f"{base}/result", "events": f"{base}/events"}}
    headers = {"Location": base, **({REPLAYED_HEADER: "true"} if replayed else {})}
    return JSONResponse(payload, status_code=200 if replayed else 202, headers=headers)


@router.post("/jobs", status_code=202, response_model=JobCreated, summary="Start a summary job",
             responses={200: {"model": JobCreated, "description": "the job an earlier request with this "
                              "Idempotency-Key created (header Idempotent-Replayed: true)"},
                        409: {"model": ErrorBody, "description": "Idempotency-Key used for another request"},
                        429: {"model": ErrorBody, "description": "queue full, or this key's rate or job limit; "
                                                                 "see Retry-After"},
                        503: {"model": ErrorBody, "description": "the job database file was replaced"},
                        507: {"model": ErrorBody, "description": "the job database's disk is (nearly) full"}})
async def create_job(body: JobRequest, request: Request, owner: str = Depends(owner_of),
                     key: Optional[str] = Depends(idempotency_key)) -> JSONResponse:
    svc = _state(request)
    documents = check_request(body, svc.settings)
    svc.pool.resolve(body.options)  # unknown or unusable backend: 422 now, not a failed job later
    await asyncio.to_thread(check_options, body.options)  # an encoding not available offline: 422 now
    webhook_url = check_webhook_url(body.webhook_url, svc.settings)
    digest = request_hash(body) if key is not None else ""
    earlier = svc.store.find_by_key(owner, key, digest) if key is not None else None
    if earlier is not None:  # a retry: its job, even when the queue is full now
        return _job_created(earlier, replayed=True)
    full = _queue_full(svc)
    if full is not None:
        return full
    svc.guard.check_new_work()  # 507 on a full disk, 503 when the database file was replaced
    docs, options = stored_documents(documents), body.options.model_dump(mode="json")
    admit = svc.quotas.active_jobs_check()  # 429 over this key's job limit, checked as the job is inserted
    if key is None:
        job, created = svc.store.create(owner, docs, options, webhook_url, admit), True
    else:  # atomic: of two requests racing with one key, one creates and the other gets its job
        job, created = svc.store.create_once(owner, docs, options, key, digest, webhook_url, admit)
    if created:
        svc.runner.submit(job.id)  # after the commit: 202 means the input is stored
    return _job_created(job, replayed=not created)


@router.get("/jobs/{job_id}", response_model=JobView, summary="Job status and progress")
async def get_job(job_id: str, request: Request, owner: str = Depends(owner_of)) -> JSONResponse:
    # A Response skips re-validation against JobView, so an absent source_id stays absent (not null).
    return JSONResponse(job_view(_state(request).store.get(job_id, owner)))


@router.get("/jobs/{job_id}/result",
            responses={**_RESULT_DOC, 409: {"model": ErrorBody, "description": "not finished, failed or cancelled"}}, summary="Result of a finished job")
async def get_result(job_id: str, request: Request, format: ResultFormat = "json", owner: str = Depends(owner_of)) -> Response:
    store = _state(request).store
    job = store.get(job_id, owner)
    if job.status == js.SUCCEEDED:
        return _render(store.result(job_id), format)
    if job.status in (js.FAILED, js.CANCELLED):
        err = job.error or {"code": job.status, "message": f"job {job.status}; there is no result"}
        return JSONResponse(error_body(err["code"], err["message"]), status_code=409)
    raise JobNotReady(f"job {job_id} is {job.status}; the result is not ready yet")


@router.get("/jobs/{job_id}/events", summary="Progress and result as server-sent events",
            responses={200: {"content": {"text/event-stream": {}}}})
async def job_events(job_id: str, request: Request, owner: str = Depends(owner_of)) -> EventSourceResponse:
    svc = _state(request)
    svc.store.get(job_id, owner)  # 404 before the stream starts
    queue = svc.hub.subscribe(job_id)  # subscribe first, then read the state: nothing falls in between

    def final(job: js.Job) -> dict:
        if job.status == js.SUCCEEDED:
            return {"event": "result", "id": str(job.seq), "data": json.dumps(svc.store.result(job_id), ensure_ascii=False)}
        err = job.error or {"code": job.status, "message": f"job {job.status}"}
        return {"event": "error", "id": str(job.seq), "data": json.dumps(err)}

    async def stream():
        try:
            async for event in follow():
                yield event
        except JobNotFound:  # deleted while streamed
            yield {"event": "error", "data": json.dumps({"code": "job_not_found", "message": f"job {job_id} was deleted"})}
        finally:
            svc.hub.unsubscribe(job_id, queue)

    async def follow():
        job = svc.store.get(job_id)
        last = job.seq
        yield {"event": "progress", "id": str(job.seq), "data": json.dumps(job.progress)}
        if job.finished:
            yield final(job)
            return
        while True:
            try:
                seq, event, data = await asyncio.wait_for(queue.get(), timeout=1.0)
            except asyncio.TimeoutError:
                job = svc.store.get(job_id)  # a final state written elsewhere (another process)
                if job.finished:
                    yield final(job)
                    return
                continue
            if seq < last or (seq == last and event == "progress"):
                continue  # already covered by the state sent first
            last = seq
            yield {"event": event, "id": str(seq), "data": json.dumps(data, ensure_ascii=False)}
            if event in ("result", "error"):
                return

    return EventSourceResponse(stream(), ping=10)


@router.delete("/jobs/{job_id}", response_model=CancelView, summary="Cancel a job, or delete a finished one",
               description="A queued or running job is cancelled (its input kept; status `cancelled`). A "
                           "finished job (succeeded, failed or cancelled) is deleted with its input and "
                           "result (status `deleted`); afterwards the job is a 404.")
async def cancel_job(job_id: str, request: Request, owner: str = Depends(owner_of)) -> dict:
    svc = _state(request)
    if svc.store.get(job_id, owner).finished:
        await asyncio.to_thread(svc.store.delete, job_id)  # SQLite: a WAL checkpoint too
        log.info("job deleted", extra={"job_id": job_id})
        return {"id": job_id, "status": "deleted"}
    return await _cancel_unfinished(svc, job_id, owner)


@router.post("/jobs/{job_id}/cancel", response_model=CancelView, summary="Cancel a job (never deletes)",
             description="A queued or running job is cancelled (its input kept). A finished job is left as "
                         "it is and its status returned: a cancel that arrives just after the job finished "
                         "must not delete the result, as DELETE would.")
async def cancel_only(job_id: str, request: Request, owner: str = Depends(owner_of)) -> dict:
    return await _cancel_unfinished(_state(request), job_id, owner)


async def _cancel_unfinished(svc, job_id: str, owner: str) -> dict:
    """Cancel the job unless it finished; either way its status now."""
    job = svc.store.get(job_id, owner)
    if not job.finished:
        job = await svc.runner.cancel(job_id)
    return {"id": job.id, "status": job.status}


def _analysis(documents, options) -> dict:
    corpus = prepare(documents, options.encoding, options.dedup_threshold)
    sources = [{"id": d.id, "title": d.title, "text": d.text,
                "junk": [{"start": j.start, "end": j.end, "reason": j.reason} for j in corpus.junk[d.id]]}
               for d in corpus.documents]
    groups = [[{"source_id": s.source_id, "start": s.start, "end": s.end} for s in u.sentences]
              for u in corpus.units if len(u.sentences) > 1]
    return {"sources": sources, "duplicate_groups": groups}


@router.post("/analysis", summary="Junk spans and duplicate groups of the given documents")
async def post_analysis(body: SummaryRequest, request: Request) -> dict:
    documents = check_request(body, _state(request).settings)
    return await asyncio.to_thread(_analysis, documents, body.options)


@router.get("/jobs/{job_id}/analysis", summary="Junk spans and duplicate groups of a job's input")
async def job_analysis(job_id: str, request: Request, owner: str = Depends(owner_of)) -> dict:
    store = _state(request).store
    job = store.get(job_id, owner)
    options = SummaryOptions.model_validate(job.options)
    return await asyncio.to_thread(_analysis, documents_from(store.documents(job_id)), options)


@router.get("/backends", response_model=BackendsView, summary="Backends this server can run, and why not the others")
async def list_backends(request: Request) -> dict:
    svc = _state(request)
    usability = svc.pool.usability()
    return {"backends": [name for name, reason in usability.items() if reason is None],
            "default": svc.settings.default_backend(),
            "unavailable": [{"name": name, "reason": reason} for name, reason in usability.items() if reason]}
