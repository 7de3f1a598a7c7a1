"""Readiness of an OpenAI-compatible endpoint: ``GET {base_url}/models``, its outcome cached.

Why cached: a readiness probe polled every second must not hammer the endpoint, so an outcome
(success or failure) is reused for ``PING_CACHE_SECONDS``. Why "busy" is "up": a server that
accepts the connection but does not answer within ``PING_READ_TIMEOUT`` is alive; llama.cpp's
server answers ``/models`` only between generations, and a pool whose connections are all in use
is in use by requests to that very endpoint.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Optional

import httpx

from ..errors import LLMAuthError, LLMUnavailable, SummarizerError
from ..redact import redact_url

#: How long a ping outcome (success or failure) is reused before the endpoint is asked again.
PING_CACHE_SECONDS = 5.0
#: Seconds to connect; no connection by then means the endpoint is down.
PING_CONNECT_TIMEOUT = 2.0
#: Seconds to wait for the answer once connected; later means busy, not down.
PING_READ_TIMEOUT = 1.0
#: Seconds to wait for a free connection of our own pool: all taken means all busy with requests
#: to this endpoint (the local model has one), and waiting longer would tell nothing more.
PING_POOL_TIMEOUT = 0.25


async def probe_models(client: httpx.AsyncClient, base_url: str,
                       endpoint_check: Optional[Callable[[], Awaitable[None]]] = None) -> None:
    """One ``GET {base_url}/models``: LLMUnavailable if down, LLMAuthError if the key is refused.

    ``endpoint_check`` runs after a failed connection and may raise a more precise error (a local
    server process that died says so, with its exit and log)."""
    shown = redact_url(base_url)
    try:
        url = httpx.URL(base_url)  # the path extended, a query string (``?api-version=``) kept
        resp = await client.get(url.copy_with(path=url.path.rstrip("/") + "/models"), timeout=httpx.Timeout(
            PING_READ_TIMEOUT, connect=PING_CONNECT_TIMEOUT, pool=PING_POOL_TIMEOUT))
    except (httpx.ReadTimeout, httpx.PoolTimeout):
        return  # up, and busy (see the module doc)
    except httpx.TransportError as exc:  # refused, connect timeout, reset
        if endpoint_check is not None:
            await endpoint_check()
        raise LLMUnavailable(f"LLM endpoint {shown} is not reachable ({type(exc).__name__}: {exc})") from exc
    status = resp.status_code
    if status in (401, 403):
        raise LLMAuthError(f"LLM endpoint {shown} refused the request (HTTP {status}): the API key "
                           "is missing or wrong. Set SUMMARIZER_API_KEY (the key is never printed).")
    if status >= 400:
        hint = " (is SUMMARIZER_BASE_URL right? It usually ends in /v1)" if status == 404 else ""
        raise LLMUnavailable(f"LLM endpoint {shown} answered GET /models with HTTP {status}{hint}")


class CachedCheck:
    """Runs ``check`` at most once per ``seconds``; callers in between get its outcome again.

    Concurrent callers share one run. Any ``ChatModel.ping`` can be built on it."""

    def __init__(self, check: Callable[[], Awaitable[None]], seconds: float = PING_CACHE_SECONDS) -> None:
        self.check = check
        #: Seconds an outcome is reused (0: run the check every time).
        self.seconds = seconds
        #: Times the check actually ran.
        self.runs = 0
        self._lock = asyncio.Lock()
        self._last: Optional[tuple[float, Optional[SummarizerError]]] = None  # (when, error or None)

    async def __call__(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._last is None or now - self._last[0] >= self.seconds:
                self.runs += 1
                try:
                    await self.check()
                    self._last = (now, None)
                except SummarizerError as exc:  # kept, and raised to every caller until it expires
                    self._last = (now, exc)
            error = self._last[1]
        if error is not None:
            raise error.with_traceback(None)  # the cached error, with this call's traceback


__all__ = ["CachedCheck", "PING_CACHE_SECONDS", "PING_CONNECT_TIMEOUT", "PING_POOL_TIMEOUT", "PING_READ_TIMEOUT",
           "probe_models"]
