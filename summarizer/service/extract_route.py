"""``POST /v1/documents/extract``: a file's text, extracted by the server exactly as the CLI reads
that file (``io.ingest.parse_file``), so an HTML page, PDF or DOCX uploaded through the web page
gives the same text, hashes and citation offsets as ``summarizer summarize FILE``.

The body is the file's raw bytes and ``?filename=`` names it (its suffix picks the reader, its stem
is the document id). The body-size limit is the edge middleware's, as for every request.
"""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ..contract.documents import Document
from ..errors import DocumentError, InputError, LimitExceeded, UnsupportedFileType
from ..io.extract import PAGE_SEPARATOR
from ..io.ingest import SUFFIXES, parse_file
from .quotas import rate_limit
from .schemas import ERROR_RESPONSES, ErrorBody, PageSpan

#: One document per file: JSON and JSONL files hold records ``{id, title?, text}`` already, which
#: are sent as they are (``POST /v1/jobs``), not extracted.
EXTRACTABLE = tuple(sorted(SUFFIXES - {".json", ".jsonl"}))

# rate_limit depends on owner_of (401 first), so listing owner_of too would only solve it twice.
router = APIRouter(prefix="/v1", dependencies=[Depends(rate_limit)], responses=ERROR_RESPONSES)


class ExtractedDocument(BaseModel):
    id: str = Field(description="the file name without its extension, as the CLI names it")
    title: str = Field(description="the HTML <title> or the PDF/DOCX title property; empty if none")
    text: str = Field(description="the extracted text: citations index into exactly this")
    pages: Optional[list[PageSpan]] = Field(None, description="PDFs only: each page's span in `text`")


def _file_name(filename: str) -> str:
    """The last path component of what the client calls the file (a browser may send a path)."""
    name = PureWindowsPath(PurePosixPath(filename.strip()).name).name
    if not name or name in (".", ".."):
        raise InputError("filename: give the uploaded file's name, e.g. ?filename=report.pdf", field="filename")
    return name


def _pages(doc: Document) -> Optional[list[dict]]:
    if not doc.page_starts:
        return None
    starts = list(doc.page_starts)
    ends = [s - len(PAGE_SEPARATOR) for s in starts[1:]] + [len(doc.text)]
    return [{"page": n, "start": s, "end": e} for n, (s, e) in enumerate(zip(starts, ends), 1)]


def _extract(name: str, data: bytes, max_chars: int) -> dict:
    path = Path(name)
    if path.suffix.lower() not in EXTRACTABLE:
        kind = path.suffix.lower() or "(none)"
        hint = (" (JSON and JSONL files hold documents already: send their records to POST /v1/jobs)"
                if kind in (".json", ".jsonl") else "")
        raise UnsupportedFileType(f"{name}: cannot extract text from a {kind} file; "
                                  f"upload one of {', '.join(EXTRACTABLE)}{hint}", field="filename")
    if not data:
        raise DocumentError(f"{name}: the file is empty", field="body")
    (doc,) = parse_file(path, data)
    if not doc.text.strip():
        raise DocumentError(f"{name}: no text found in the file", field="body")
    if len(doc.text) > max_chars:
        raise LimitExceeded(f"{name}: {len(doc.text)} characters of text; the limit is {max_chars}", field="body")
    return {"id": doc.id, "title": doc.title, "text": doc.text, "pages": _pages(doc)}


@router.post("/documents/extract", response_model=ExtractedDocument, response_model_exclude_none=True,
             summary="Extract a file's text as the CLI would (HTML, PDF, DOCX, text, Markdown)",
             responses={415: {"model": ErrorBody, "description": "a file type that has no text extractor"}},
             openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {
                 "schema": {"type": "string", "format": "binary"}}}}})
async def extract_document(request: Request, filename: str = Query(
        ..., description="the file's name; its extension picks the extractor", examples=["report.pdf"])) -> dict:
    name = _file_name(filename)
    data = await request.body()
    settings = request.app.state.svc.settings
    # PDF and DOCX parsing is CPU work: off the event loop.
    return await asyncio.to_thread(_extract, name, data, settings.max_document_chars)
