"""Edge middleware (plain ASGI, so SSE streams pass through untouched).

One layer does what every request needs: a request id (``X-Request-ID`` in and out, also in every
log line), the body-size limit (checked before anything parses the body, chunked bodies included),
an access log line and the request metrics. Headers are never logged (they carry API keys).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import sys
import time
import uuid

from pythonjsonlogger.json import JsonFormatter

from ..redact import redact
from .prometheus import Metrics

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("summarizer.service.access")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate of the message
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines with credentials in URLs masked: the last line of defence for messages, extras
    and tracebacks alike (an exception's text may quote a URL from anywhere)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: int = logging.INFO) -> None:
    """One JSON object per line on stderr, for our loggers and uvicorn's."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingJsonFormatter("{asctime}{levelname}{name}{message}{request_id}", style="{",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    handler.addFilter(_RequestIdFilter())
    # "asyncio" too: its "Task exception was never retrieved" and loop errors are JSON like the rest.
    for name in ("summarizer", "uvicorn", "uvicorn.error", "asyncio"):
        lg = logging.getLogger(name)
        lg.handlers[:] = [handler]
        lg.setLevel(level)
        lg.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # replaced by our access log (with request ids)


def error_body(code: str, message: str, field: str | None = None) -> dict:
    err = {"code": code, "message": message}
    if field:
        err["field"] = field
    return {"error": err}


#: After a 413, this much of the rest of the body is read and thrown away (for this long at most).
DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 5.0


async def drain(receive) -> None:
    """Read and discard what is left of a refused body, as nginx's lingering close does.

    A client that sends its whole body before reading the reply (Python's urllib, many scripts)
    would otherwise see the connection reset, not the 413: closing a socket with unread data
    makes the kernel send a RST. Bounded in bytes and time, after which the reset is accepted.
    """
    size = 0
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            while size < DRAIN_BYTES:
                message = await receive()
                if message["type"] != "http.request":
                    return
                size += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return
    except TimeoutError:
        return


class EdgeMiddleware:
    def __init__(self, app, metrics: Metrics, max_body: int) -> None:
        self.app, self.metrics, self.max_body = app, metrics, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", rid.encode())]
            await send(message)

        try:
            replay, body_left = await self._read_body(scope, receive, headers)
            if replay is None:
                if body_left and headers.get(b"expect", b"").lower() != b"100-continue":  # else it never comes
                    await drain(receive)
                await self._send_413(send_wrapper)
            else:
                await self.app(scope, replay, send_wrapper)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or ("static" if status["code"] < 400 else "unmatched")
            self.metrics.observe_request(scope["method"], route, status["code"], seconds)
            access_log.info("request", extra={"method": scope["method"], "path": scope["path"], "route": route,
                                              "status": status["code"], "ms": round(seconds * 1000, 1)})
            request_id_var.reset(token)

    async def _read_body(self, scope, receive, headers):
        """Buffer the body up to the limit. Returns (a replaying receive, or None when the body is
        larger; whether some of the body is still unread)."""
        length = headers.get(b"content-length")
        if length is not None:
            try:
                if int(length) > self.max_body:
                    return None, True
            except ValueError:
                pass  # let the server/app reject a malformed header
        if scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS"):
            return receive, False
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                chunks = None
                break
            body = message.get("body", b"")
            size += len(body)
            more = message.get("more_body", False)
            if size > self.max_body:
                return None, more
            chunks.append(body)
        data = b"".join(chunks) if chunks is not None else b""
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()  # later reads wait for the disconnect, as the server's would

        return replay, False

    async def _send_413(self, send) -> None:
        body = json.dumps(error_body("payload_too_large",
                                     f"request body is larger than the limit of {self.max_body} bytes")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
