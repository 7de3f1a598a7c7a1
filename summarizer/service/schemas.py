"""Request and response bodies of the REST API, and the input checks that name the bad field."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..citing import CiteOptions
from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.documents import Document, check_unicode
from ..errors import InputError, LimitExceeded, SummarizerError


class PageSpan(BaseModel):
    page: int = Field(description="1-based page number")
    start: int = Field(description="where the page's text starts in `text`")
    end: int = Field(description="where it ends (exclusive)")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="unique within the request; citations name it")
    text: str = Field(description="exact text; every citation offset indexes into it")
    title: Optional[str] = None
    pages: Optional[list[PageSpan]] = Field(
        None, description="PDFs: each page's span in `text`, as POST /v1/documents/extract returns them; "
                          "citations into the document then carry `page`")


class SummaryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn]
    options: SummaryOptions = Field(default_factory=SummaryOptions)


class JobRequest(SummaryRequest):
    """``POST /v1/jobs``: a summary request, and optionally who to tell when the job ends."""

    webhook_url: Optional[str] = Field(
        None, max_length=2048,
        description="http(s) URL POSTed a signed JSON notice when the job succeeds, fails or is cancelled; "
                    "its host must be allowed by the server (SUMMARIZER_WEBHOOK_HOSTS)")


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
    title: str = Field("", description="the first document's title (else its opening words) and how many "
                                       "more documents the job has; empty for jobs created before titles")
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: ProgressEvent
    error: Optional[ErrorInfo] = None
    created_at: str
    updated_at: str


class JobList(BaseModel):
    """``GET /v1/jobs``: one page of the caller's jobs, newest first."""

    data: list[JobView]
    next: Optional[str] = Field(None, description="cursor of the next page (pass as `after`); null on the last page")


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


class JunkSpan(BaseModel):
    start: int
    end: int
    reason: str = Field(description="why cleaning set it aside: navigation, credits, disclaimer, fragment...")


class AnalysisSource(BaseModel):
    id: str
    title: str
    text: str
    junk: list[JunkSpan]


class SpanRef(BaseModel):
    source_id: str
    start: int
    end: int


class AnalysisView(BaseModel):
    """``POST /v1/analysis`` and ``GET /v1/jobs/{id}/analysis``: what cleaning and dedup found."""

    sources: list[AnalysisSource]
    duplicate_groups: list[list[SpanRef]] = Field(description="sentences found in several places, each group one text")


class UnavailableBackend(BaseModel):
    name: str
    reason: str = Field(description="what the server lacks, e.g. no base URL configured (SUMMARIZER_BASE_URL)")


class BackendsView(BaseModel):
    backends: list[str] = Field(description="backends a request may name on this server")
    default: str = Field(description="the backend used when options.backend is not given")
    unavailable: list[UnavailableBackend] = Field(default_factory=list, description="known backends this server cannot run, and why")


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
        out.append(Document(id=d.id, text=d.text, title=d.title or "", page_starts=_page_starts(d, where)))
    return out


def _page_starts(d: DocumentIn, where: str) -> Optional[tuple[int, ...]]:
    """The pages' starts, checked: numbered 1, 2, ... in order, the first at 0, each inside the
    text and after the one before (a wrong page number in a citation is worse than none)."""
    if not d.pages:
        return None
    field = f"{where}.pages"
    prev_end = -1
    for n, p in enumerate(d.pages, 1):
        if p.page != n:
            raise _with_field(InputError(f"{field}[{n - 1}]: page {p.page} where page {n} was expected"), field)
        if not (prev_end <= p.start <= p.end <= len(d.text)) or (n == 1 and p.start != 0):
            raise _with_field(InputError(f"{field}[{n - 1}]: span {p.start}-{p.end} is out of order or outside "
                                         f"the text ({len(d.text)} characters; page 1 starts at 0)"), field)
        prev_end = p.end
    return tuple(p.start for p in d.pages)


def stored_documents(docs: list[Document]) -> list[dict[str, Any]]:
    return [{"id": d.id, "text": d.text, "title": d.title, **({"page_starts": list(d.page_starts)} if d.page_starts else {})}
            for d in docs]


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
