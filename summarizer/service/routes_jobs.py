"""``GET /v1/jobs``: the caller's jobs, newest first, with cursor pagination.

The cursor (``after``) is opaque to clients: base64url of the last listed job's (created_at, id),
the position the next page continues from. Positions, not offsets, so a page never repeats or
skips a job when new ones arrive meanwhile (they are newer, so they sort before the cursor).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Literal, Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..errors import InputError
from . import jobstore as js
from .auth import owner_of
from .schemas import ERROR_RESPONSES, JobList

router = APIRouter(prefix="/v1", dependencies=[Depends(owner_of)],
                   responses={k: ERROR_RESPONSES[k] for k in (401, 422)})

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
DEFAULT_PAGE, MAX_PAGE = 20, 100


def job_view(job: js.Job) -> dict:
    """A job as the API shows it (GET /v1/jobs/{id} and each item of GET /v1/jobs)."""
    return {"id": job.id, "title": job.title, "status": job.status, "progress": job.progress,
            "error": job.error, "created_at": job.created_at, "updated_at": job.updated_at}


def encode_cursor(job: js.Job) -> str:
    raw = json.dumps([job.created_at, job.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, id) a cursor holds; anything else is a 422 naming ``after``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, job_id = json.loads(raw)
        if isinstance(created_at, str) and isinstance(job_id, str):
            return created_at, job_id
    except (binascii.Error, ValueError, TypeError):
        pass
    raise InputError("after: not a cursor from this API (use the 'next' value of the previous page)", field="after")


@router.get("/jobs", response_model=JobList, summary="The caller's jobs, newest first",
            description="One page of the jobs created with the caller's key (all jobs when auth is off), "
                        "newest first. Pass the reply's `next` as `after` for the following page; `next` "
                        "is null on the last page.")
async def list_jobs(request: Request,
                    limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="jobs per page"),
                    after: Optional[str] = Query(None, max_length=512, description="the `next` of the previous page"),
                    status: Optional[JobStatus] = Query(None, description="only jobs in this state"),
                    owner: str = Depends(owner_of)) -> JSONResponse:
    position = decode_cursor(after) if after is not None else None
    store = request.app.state.svc.store
    jobs = store.list_jobs(owner, limit + 1, position, status)  # one more: is there a next page?
    page = jobs[:limit]
    more = len(jobs) > limit
    # A Response, as GET /v1/jobs/{id} sends: items are the same objects (an absent source_id stays absent).
    return JSONResponse({"data": [job_view(j) for j in page], "next": encode_cursor(page[-1]) if more else None})
