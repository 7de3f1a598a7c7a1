"""``OpenAIChatModel``: the ``ChatModel`` for any OpenAI-compatible ``/chat/completions`` endpoint.

Works with llama.cpp / llama-cpp-python servers, vLLM, Ollama, LM Studio and hosted APIs. One
``httpx.AsyncClient`` per instance (connection reuse) and one concurrency limit per instance (an
``asyncio.Semaphore``, or a limit shared by all worker processes, see ``chat.limits``): create one
instance per process/run and every call shares the same limit.

Failure policy (why: a long multi-document run must survive a flaky endpoint, but must not spin on
a request that can never succeed):

* a connection dropped before any reply (a stale kept-alive connection) is resent once at once
  on a fresh connection, quietly; then connect errors, timeouts, dropped connections,
  unparseable bodies, 429 and 5xx are retried with tenacity: jittered exponential backoff capped at ``retry_max_wait``; a ``Retry-After``
  header (seconds or HTTP-date) is honoured, capped at the same limit. Exhausted -> LLMUnavailable.
* 401/403 -> LLMAuthError (the response body is never shown: some providers echo the key).
* other 4xx -> LLMRequestError at once, with a short, key-scrubbed excerpt of the body.

Readiness (``ping``): ``GET {base_url}/models`` through the same client, its outcome reused for a
few seconds (``readiness``).

Structured output is negotiated (see ``_MODES``): strict ``json_schema`` first, then
``json_object`` + schema (llama-cpp-python's grammar-constrained mode), then plain instructions.
The first mode that the endpoint accepts is remembered for the life of the instance.
"""

from __future__ import annotations

import asyncio
import copy
import email.utils
import json
import logging
import time
from typing import Any, Awaitable, Callable, Optional

import httpx
import tenacity
from pydantic import SecretStr

from ..errors import ConfigError, ContextOverflow, LLMAuthError, LLMReplyError, LLMRequestError, LLMUnavailable
from ..prepare.tokens import get_counter
from ..redact import redact_url
from .budget import prompt_tokens as estimate_prompt_tokens
from .limits import ConcurrencyLimit, limit_for
from .protocol import ChatModel, ChatReply, ChatRequest
from .readiness import CachedCheck, probe_models
from .sending import SendTracker

log = logging.getLogger(__name__)

#: Structured-output modes, strongest guarantee first.
_MODES = ("json_schema", "json_object", "instructions")
#: Words in a 4xx body that tell us the endpoint rejected the response_format, not the request.
_FORMAT_HINTS = ("response_format", "json_schema", "json_object", "grammar")

#: A connection that closed or reset before any reply: what a stale kept-alive connection gives.
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class _Retryable(Exception):
    """Internal: one attempt failed in a way worth retrying."""

    def __init__(self, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _FormatRejected(Exception):
    """Internal: the endpoint does not accept this structured-output mode."""


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def schema_instructions(schema: dict[str, Any]) -> str:
    return (
        "Reply with a single JSON object and nothing else (no prose, no code fences). "
        "It must follow this JSON schema:\n" + json.dumps(schema, ensure_ascii=False)
    )


def with_schema_in_system_prompt(messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """Paste the schema into the system message (added if there is none)."""
    text = schema_instructions(schema)
    out = [dict(m) for m in messages]
    if out and out[0].get("role") == "system":
        out[0]["content"] = out[0]["content"].rstrip() + "\n\n" + text
    else:
        out.insert(0, {"role": "system", "content": text})
    return out


def _checked_url(base_url: str, max_concurrency: int, structured_mode: Optional[str]) -> httpx.URL:
    """The endpoint's URL, once the client's settings are known to be usable (else ConfigError)."""
    if not base_url:
        raise ConfigError("no LLM endpoint configured: set SUMMARIZER_BASE_URL")
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ConfigError(f"SUMMARIZER_BASE_URL {redact_url(base_url)!r} is not a valid URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"SUMMARIZER_BASE_URL must look like http://host:port/v1, got {redact_url(base_url)!r}")
    if max_concurrency < 1:
        raise ConfigError(f"SUMMARIZER_MAX_CONCURRENCY must be >= 1, got {max_concurrency}")
    if structured_mode is not None and structured_mode not in _MODES:
        raise ConfigError(f"unknown structured mode {structured_mode!r}; known: {', '.join(_MODES)}")
    return url


class OpenAIChatModel(ChatModel):
    """A ``ChatModel`` over an OpenAI-compatible HTTP endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: Optional[SecretStr | str] = None,
        *,
        connect_timeout: float = 10.0,
        request_timeout: float = 300.0,
        max_retries: int = 5,
        retry_max_wait: float = 30.0,
        max_concurrency: int = 4,
        context_window: int = 8192,
        structured_mode: Optional[str] = None,
        sleep: Optional[Callable[[float], Awaitable[None]]] = None,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        endpoint_check: Optional[Callable[[], Awaitable[None]]] = None,
        limit: Optional[ConcurrencyLimit] = None,
    ) -> None:
        url = _checked_url(base_url, max_concurrency, structured_mode)
        self.base_url = base_url.rstrip("/")
        #: The endpoint as messages show it: without userinfo and query string (they may hold secrets).
        self.shown_url = redact_url(self.base_url)
        # The path is extended, the query string kept: some providers want ``?api-version=...``.
        self._chat_url = url.copy_with(path=url.path.rstrip("/") + "/chat/completions")
        self.model_name = model
        self.context_window = context_window
        self.max_retries = max(0, max_retries)
        self.retry_max_wait = retry_max_wait
        self.max_concurrency = max_concurrency
        self._key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        #: Bounds requests in flight: this process's own, or shared by all workers (``chat.limits``).
        self._limit = limit if limit is not None else limit_for(self.base_url, max_concurrency)
        self._sending = SendTracker()  # shared with ``for_model`` views, like the limit
        self._mode: Optional[str] = structured_mode
        self._rejected_modes: set[str] = set()
        self._sleep = sleep or asyncio.sleep
        #: Called after a connection failure; raises if the endpoint is known to be gone for good
        #: (a local server process that died), so that it is reported at once, not retried.
        self._endpoint_check = endpoint_check
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(request_timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
            transport=transport,
        )
        #: HTTP attempts made (including retries and negotiation probes), for stats and tests.
        self.http_calls = 0
        #: ``ping`` = this cached ``GET /models`` (``ping_check.seconds`` sets how long it is reused).
        self.ping_check = CachedCheck(lambda: probe_models(self._client, self.base_url, self._endpoint_check))
        self._owns_client = True  # False in a ``for_model`` view: the client is shared

    def for_model(self, model: str) -> "OpenAIChatModel":
        """This endpoint under another model name. The view shares the HTTP client (so its
        connections) and the concurrency limit: every model of one endpoint goes through ONE
        limit, and a new model name costs no new sockets. Closing a view leaves them open."""
        view = copy.copy(self)
        view.model_name = model
        view.http_calls = 0
        view._owns_client = False
        return view

    @classmethod
    def from_settings(cls, settings: Any, *, base_url: Optional[str] = None, model: Optional[str] = None,
                      **kwargs: Any) -> "OpenAIChatModel":
        params: dict[str, Any] = dict(
            connect_timeout=settings.connect_timeout,
            request_timeout=settings.request_timeout,
            max_retries=settings.max_retries,
            retry_max_wait=settings.retry_max_wait,
            max_concurrency=settings.max_concurrency,
            context_window=settings.context_window,
        )
        params.update(kwargs)
        return cls(base_url or settings.base_url, model or settings.model or "default", settings.api_key,
                   **params)

    @property
    def structured_mode(self) -> Optional[str]:
        """The structured-output mode this endpoint accepted (None until the first schema call)."""
        return self._mode

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def ping(self) -> None:
        """Raise LLMUnavailable / LLMAuthError unless the endpoint answers (``readiness``)."""
        await self.ping_check()

    async def __aenter__(self) -> "OpenAIChatModel":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- the ChatModel call -------------------------------------------------------------------
    async def complete(self, request: ChatRequest) -> ChatReply:
        if request.schema is None:
            return await self._complete_mode(request, None)
        if self._mode is not None:
            return await self._complete_remembered(request)
        return await self._negotiate(request)

    async def _negotiate(self, request: ChatRequest) -> ChatReply:
        """Try the structured modes strongest first; the first one accepted is remembered.

        First calls negotiate concurrently, each on its own: none waits for another's probe (a
        lock here cost a whole round of latency on every new endpoint). A rejection is cheap (the
        server answers at once), and a mode rejected or a mode found by another call is used from
        then on."""
        for mode in _MODES:
            if self._mode is not None:
                return await self._complete_remembered(request)
            if mode in self._rejected_modes:
                continue
            try:
                reply = await self._complete_mode(request, mode)
            except _FormatRejected as exc:
                self._rejected_modes.add(mode)
                log.info("endpoint rejected structured mode %s (%s); trying the next", mode, exc)
                continue
            if self._mode is None:
                self._mode = mode
            return reply
        raise LLMRequestError("the endpoint rejected every structured-output mode")  # pragma: no cover

    async def _complete_remembered(self, request: ChatRequest) -> ChatReply:
        mode = self._mode
        try:
            return await self._complete_mode(request, mode)
        except _FormatRejected as exc:
            # Accepted before, rejected now: this request (not the mode) is at fault.
            raise LLMRequestError(f"LLM endpoint {self.shown_url} rejected a {mode} request: {exc}") from exc

    async def _complete_mode(self, request: ChatRequest, mode: Optional[str]) -> ChatReply:
        payload = self._payload(request, mode)
        data = await self._post_with_retries(payload, probing=mode in ("json_schema", "json_object"))
        reply = self._reply_from(data, payload)
        reply.structured_mode = mode or ""
        return reply

    def _payload(self, request: ChatRequest, mode: Optional[str]) -> dict[str, Any]:
        messages = [dict(m) for m in request.messages]
        payload: dict[str, Any] = {
            "model": self.model_name,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        schema = request.schema
        if mode == "json_schema":
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": schema, "strict": True},
            }
        elif mode == "json_object":
            # The schema is also pasted in the prompt: servers other than llama-cpp ignore it here.
            payload["response_format"] = {"type": "json_object", "schema": schema}
            messages = with_schema_in_system_prompt(messages, schema or {})
        elif mode == "instructions":
            messages = with_schema_in_system_prompt(messages, schema or {})
        payload["messages"] = messages
        return payload

    # -- HTTP with retries --------------------------------------------------------------------
    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, self.retry_max_wait)
        return tenacity.wait_random_exponential(multiplier=0.5, max=self.retry_max_wait)(state)

    async def _post_with_retries(self, payload: dict[str, Any], probing: bool) -> dict[str, Any]:
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Retryable),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda s: log.warning(
                "LLM call failed (%s); retry %d/%d", s.outcome.exception() if s.outcome else "?",
                s.attempt_number, self.max_retries),
        )
        try:
            return await retrying(self._post_once, payload, probing)
        except _Retryable as exc:
            raise LLMUnavailable(
                f"LLM endpoint {self.shown_url} failed after {self.max_retries + 1} attempts: {exc}"
            ) from exc

    async def _post_once(self, payload: dict[str, Any], probing: bool) -> dict[str, Any]:
        try:
            resp = await self._send(payload)
        except _DROPPED as exc:
            # Most often a kept-alive connection the server closed while we reused it: httpcore
            # has discarded it, so one more try at once goes out on a fresh connection. Not an
            # attempt, no backoff, no warning (unless the endpoint itself is gone).
            await self._check_endpoint()
            log.debug("connection dropped before a reply (%s: %s); resending on a fresh connection",
                      type(exc).__name__, exc)
            try:
                resp = await self._send(payload)
            except httpx.TransportError as again:
                await self._check_endpoint()
                raise _Retryable(f"connection failed ({type(again).__name__}: {again})") from again
        except httpx.TransportError as exc:  # connect refused, other protocol errors
            await self._check_endpoint()
            raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc
        return self._data_from(resp, probing)

    async def _send(self, payload: dict[str, Any]) -> httpx.Response:
        async with self._limit.slot():
            self.http_calls += 1
            sending = self._sending.start()
            try:
                resp = await self._client.post(self._chat_url, json=payload, extensions={"trace": sending.trace})
            except httpx.TimeoutException as exc:
                raise _Retryable(f"timed out ({type(exc).__name__})") from exc
            finally:
                sending.close()
        # The request waiting for the slot goes out before this reply is parsed and checked.
        await self._sending.after_release()
        return resp

    async def wait_sent(self) -> None:
        await self._sending.wait()

    async def _check_endpoint(self) -> None:
        """Raise at once when the endpoint is known dead (the local server crashed)."""
        if self._endpoint_check is not None:
            await self._endpoint_check()

    def _data_from(self, resp: httpx.Response, probing: bool) -> dict[str, Any]:
        status = resp.status_code
        if status in (401, 403):
            raise LLMAuthError(
                f"LLM endpoint {self.shown_url} refused the request (HTTP {status}): the API key "
                "is missing or wrong. Set SUMMARIZER_API_KEY (the key is never printed)."
            )
        if probing and status >= 400 and status != 429:
            # llama-cpp-python answers an unknown response_format with a 500 carrying a pydantic
            # validation error, others with 400/422: any error naming the format is a rejection.
            body = self._scrub(resp.text[:1000])
            if status == 422 or any(h in body.lower() for h in _FORMAT_HINTS):
                raise _FormatRejected(f"HTTP {status}: {body[:200]}")
        if status == 429 or status >= 500 or status == 408:
            raise _Retryable(f"HTTP {status}", parse_retry_after(resp.headers.get("retry-after")))
        if status >= 400:
            body = self._scrub(resp.text[:500])
            low = body.lower()
            if "context" in low and any(w in low for w in ("exceed", "too long", "maximum", "window")):
                raise ContextOverflow(f"LLM endpoint {self.shown_url}: prompt too long for the model "
                                      f"(HTTP {status}): {body}")
            raise LLMRequestError(f"LLM endpoint {self.shown_url} rejected the request (HTTP {status}): {body}")
        try:
            data = resp.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Retryable(f"reply body is not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise _Retryable("reply body is not a JSON object")
        return data

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    # -- reply parsing ------------------------------------------------------------------------

    def _reply_from(self, data: dict[str, Any], payload: dict[str, Any]) -> ChatReply:
        try:
            choice = data["choices"][0]
            message = choice.get("message") or {}
            content = message.get("content") or ""
            finish = choice.get("finish_reason") or "stop"
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise LLMReplyError(
                f"LLM endpoint {self.shown_url} sent a reply without choices[0].message: "
                f"{self._scrub(json.dumps(data)[:200])}"
            ) from exc
        if not isinstance(content, str):
            raise LLMReplyError(f"LLM reply content is not text: {type(content).__name__}")
        usage = data.get("usage") or {}
        prompt_tokens = usage.get("prompt_tokens") if isinstance(usage, dict) else None
        completion_tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
        if not isinstance(prompt_tokens, int) or not isinstance(completion_tokens, int):
            # No usage from this server: count with tiktoken (approximate for non-OpenAI models).
            prompt_tokens = estimate_prompt_tokens(payload["messages"])  # the schema is in them
            completion_tokens = get_counter().count(content)
        extra: dict[str, Any] = {"model": data.get("model")} if data.get("model") else {}
        return ChatReply(content=content, finish_reason=str(finish), prompt_tokens=prompt_tokens,
                         completion_tokens=completion_tokens, extra=extra)


__all__ = ["OpenAIChatModel", "parse_retry_after", "schema_instructions", "with_schema_in_system_prompt"]
