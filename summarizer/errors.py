"""The one error tree of the project.

Every error a user can see is a ``SummarizerError``. Foreign exceptions (httpx, json, sqlite, OS)
are translated into these at the boundary where they occur, with ``raise ... from exc`` so the
cause stays in tracebacks. Messages are written for the person running the tool: they say what
went wrong and, where possible, what to do. They never contain secrets: URLs in a message lose their
userinfo and query string here (``summarizer.redact``), whoever raised it.
"""

from __future__ import annotations

from .redact import redact


class SummarizerError(Exception):
    """Base of every error raised on purpose by this package."""

    #: Stable machine-readable code, used by the REST API and the CLI.
    code = "error"
    #: HTTP status the API maps this error to.
    http_status = 500

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))
        #: The input field at fault ("options.backend", "documents[2].text"), when there is one.
        self.field = field


class InputError(SummarizerError):
    """The user's input cannot be used (bad file, bad encoding, duplicate ids...)."""

    code = "invalid_input"
    http_status = 422


class DocumentError(InputError):
    """One document is unusable; the message names it."""

    code = "invalid_document"


class UnsupportedFileType(DocumentError):
    """A file of a type no reader handles; the message names the file and the supported types."""

    code = "unsupported_file_type"
    http_status = 415


class LimitExceeded(InputError):
    """Input is larger than a configured limit."""

    code = "limit_exceeded"
    http_status = 413


class ConfigError(SummarizerError):
    """Settings are missing or contradictory (unknown backend, bad encoding name...)."""

    code = "config_error"
    http_status = 422


class CitationError(SummarizerError):
    """A citation does not hold against its source. Never returned to a user as a result."""

    code = "citation_error"


class BackendError(SummarizerError):
    """A summarization backend failed."""

    code = "backend_error"
    http_status = 502


class LLMError(BackendError):
    """The LLM endpoint failed in a way retries did not fix."""

    code = "llm_error"


class LLMAuthError(LLMError):
    """401/403 from the endpoint: the API key is missing or wrong (never printed)."""

    code = "llm_auth"


class LLMRequestError(LLMError):
    """A 4xx other than auth/rate-limit: the request itself is wrong for this endpoint."""

    code = "llm_bad_request"


class LLMUnavailable(LLMError):
    """Connection refused, timeouts, 429 or 5xx after every retry."""

    code = "llm_unavailable"
    http_status = 503


class LLMReplyError(LLMError):
    """The model's reply could not be parsed or validated, even after a repair round."""

    code = "llm_bad_reply"


class ContextOverflow(LLMError):
    """A request cannot be made to fit the model's context window."""

    code = "context_overflow"


class LocalModelError(BackendError):
    """The bundled local model could not be found or its server did not start."""

    code = "local_model_error"
    http_status = 503


class JobError(SummarizerError):
    """Job store / runner failures."""

    code = "job_error"


class JobNotFound(JobError):
    code = "job_not_found"
    http_status = 404


class StoreUnavailable(JobError):
    """The job database cannot be reached (after retries) or its schema is not usable."""

    code = "store_unavailable"
    http_status = 503


class StorageFull(StoreUnavailable):
    """The job database's disk is full (or below the free-space reserve): new work waits for room."""

    code = "storage_full"
    http_status = 507


class JobNotReady(JobError):
    code = "job_not_ready"
    http_status = 409


class DeadlineExceeded(SummarizerError):
    """A run took longer than its deadline (a hung or very slow upstream); the message says how far it got."""

    code = "deadline_exceeded"
    http_status = 504


class IdempotencyConflict(InputError):
    """An ``Idempotency-Key`` already used (by the same key holder) for a different request body."""

    code = "idempotency_conflict"
    http_status = 409


class WorkerProcessError(SummarizerError):
    """A worker process could not run a summary: it could not start, or it exited before
    answering (killed, out of memory)."""

    code = "worker_process_error"


class Cancelled(SummarizerError):
    """The run was cancelled (job DELETE, Ctrl-C)."""

    code = "cancelled"
    http_status = 409


class RateLimited(SummarizerError):
    """A per-key limit (requests per minute, jobs at once) or the queue is full: try again later."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, retry_after: int, code: str = "rate_limited") -> None:
        super().__init__(message)
        #: Seconds the caller is asked to wait (the ``Retry-After`` header).
        self.retry_after = max(1, int(retry_after))
        self.code = code


class Unauthorized(SummarizerError):
    """Missing or wrong API key (the key itself is never echoed)."""

    code = "unauthorized"
    http_status = 401


class CacheError(SummarizerError):
    """The LLM reply cache (SQLite) cannot be opened, read or written."""

    code = "cache_error"


class EvalError(SummarizerError):
    """The eval harness could not run (cache unusable, baseline unreadable...). Failing cases are
    not errors: they are reported, and the CLI exits 1."""

    code = "eval_error"


class RunLogError(SummarizerError):
    """The CLI's log of past runs (SQLite, in the data folder) cannot be read or written."""

    code = "run_log_error"
