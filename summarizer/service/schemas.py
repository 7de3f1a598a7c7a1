"""Request and response bodies of the REST API, and the input checks that name the bad field."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..citing import CiteOptions
from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.documents import Document, check_unicode
from ..errors import InputError, LimitExceeded, SummarizerError


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="unique within the request; citations name it")
    text: str = Field(description="exact text; every citation offset indexes into it")
    title: Optional[str] = None


class SummaryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn]
    options: SummaryOptions = Field(default_factory=SummaryOptions)


class CitationRequest(BaseModel):
    """``POST /v1/citations``: a summary written elsewhere and the documents it should rest on."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn]
    summary: Optional[str] = Field(None, description="the summary as text (split into sentences)")
    sentences: Optional[list[str]] = Field(None, description="or the summary's sentences, as given")
    options: CiteOptions = Field(default_factory=CiteOptions)


class ProgressEvent(BaseModel):
    stage: str
    done: int
    total: int
    fraction: float
    source_id: Optional[str] = None


class ErrorInfo(BaseModel):
    code: str
    message: str


class ErrorDetail(ErrorInfo):
    field: Optional[str] = Field(None, description="the request field at fault, e.g. documents[1].id")


class ErrorBody(BaseModel):
    """Every 4xx/5xx body."""

    error: ErrorDetail


ERROR_RESPONSES: dict = {status: {"model": ErrorBody, "description": desc} for status, desc in [
    (401, "missing or invalid API key"), (404, "no such job (or not yours)"),
    (413, "body, document count or document length over the limit"), (422, "invalid input; names the field"),
]}


class JobView(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: ProgressEvent
    error: Optional[ErrorInfo] = None
    created_at: str
    updated_at: str


class JobLinks(BaseModel):
    self: str
    result: str
    events: str


class JobCreated(BaseModel):
    id: str
    status: str
    created_at: str
    links: JobLinks


class CancelView(BaseModel):
    id: str
    status: str


class BackendsView(BaseModel):
    backends: list[str]
    default: str


def _with_field(exc: SummarizerError, field: str) -> SummarizerError:
    exc.field = field  # read by the API's error handler
    return exc


def check_request(req: SummaryRequest, settings: Settings) -> list[Document]:
    """The service's limits and the pipeline's input rules, as errors naming the field."""
    docs = req.documents
    if not docs:
        raise _with_field(InputError("no documents given"), "documents")
    if len(docs) > settings.max_documents:
        raise _with_field(LimitExceeded(f"{len(docs)} documents; the limit is {settings.max_documents}"), "documents")
    seen: set[str] = set()
    out: list[Document] = []
    for i, d in enumerate(docs):
        where = f"documents[{i}]"
        if not d.id.strip():
            raise _with_field(InputError(f"{where}: empty id"), f"{where}.id")
        if d.id in seen:
            raise _with_field(InputError(f"{where}: duplicate document id {d.id!r}"), f"{where}.id")
        seen.add(d.id)
        check_unicode(Document(d.id, d.text, d.title or ""), where)
        if not d.text.strip():
            raise _with_field(InputError(f"{where}: document {d.id!r} is empty or whitespace only"), f"{where}.text")
        if len(d.text) > settings.max_document_chars:
            raise _with_field(LimitExceeded(f"{where}: {len(d.text)} characters; the limit is "
                                            f"{settings.max_document_chars}"), f"{where}.text")
        out.append(Document(id=d.id, text=d.text, title=d.title or ""))
    return out


def stored_documents(docs: list[Document]) -> list[dict[str, Any]]:
    return [{"id": d.id, "text": d.text, "title": d.title} for d in docs]


MAX_CITE_SENTENCES = 2000  # a summary, not a corpus: each sentence is checked against every document


def check_citation_request(req: CitationRequest, settings: Settings) -> list[Document]:
    if (req.summary is None) == (req.sentences is None):
        raise _with_field(InputError("give the summary as 'summary' (text) or 'sentences' (a list), not both"),
                          "summary")
    if req.summary is not None and not req.summary.strip():
        raise _with_field(InputError("the summary is empty"), "summary")
    if req.sentences is not None and not any(s.strip() for s in req.sentences):
        raise _with_field(InputError("the summary has no sentences"), "sentences")
    if req.sentences is not None and len(req.sentences) > MAX_CITE_SENTENCES:
        raise _with_field(LimitExceeded(f"{len(req.sentences)} sentences; the limit is {MAX_CITE_SENTENCES}"),
                          "sentences")
    if req.summary is not None and len(req.summary) > settings.max_document_chars:
        raise _with_field(LimitExceeded(f"the summary has {len(req.summary)} characters; the limit is "
                                        f"{settings.max_document_chars}"), "summary")
    return check_request(SummaryRequest(documents=req.documents), settings)
