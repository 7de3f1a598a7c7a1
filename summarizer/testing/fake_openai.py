"""A real OpenAI-compatible HTTP server on 127.0.0.1 for fault injection (tests, benchmarks).

It speaks just enough of the API (``POST /v1/chat/completions``, ``GET /v1/models``) for
``OpenAIChatModel``, over real sockets, so the client's HTTP, retry and timeout code all run.

Usage::

    from summarizer.testing.fake_openai import FakeOpenAIServer, Fault

    def handler(body):                 # body = the request JSON; return str or dict (sent as JSON)
        return {"summary": "..."}

    with FakeOpenAIServer(handler, latency=0.05) as server:
        server.script(Fault.rate_limit(2), Fault.SERVER_ERROR)   # the next two requests fail
        model = OpenAIChatModel(server.base_url, "fake")          # base_url ends in /v1
        ...
        server.calls, server.max_in_flight, server.requests, server.events, server.model_list_calls

Behaviours (``Fault``): ``OK``, ``rate_limit(retry_after)``, ``SERVER_ERROR`` (500), ``HANG``
(never answers until the server stops or ``hang_seconds`` pass), ``RESET`` (TCP reset), ``DROP``
(closes the connection without a reply, like a server dropping a kept-alive connection),
``MALFORMED`` (200 with a broken JSON body), ``TRUNCATED`` (``finish_reason: "length"``, half
the content), ``EMPTY`` (empty content), ``IGNORE_SCHEMA`` (prose instead of JSON), and
``status(code, body)``. Scripted behaviours apply to the next requests in order; afterwards every
request is ``OK``. ``default=`` sets a behaviour for all unscripted requests instead.

Server-wide switches: ``reject_json_schema=True`` answers ``response_format.type ==
"json_schema"`` with a 500 wrapping a validation error, exactly like llama-cpp-python's server;
``reject_response_format=True`` rejects any ``response_format``; ``api_key="k"`` demands
``Authorization: Bearer k`` (401 otherwise); ``usage=False`` omits the ``usage`` block;
``latency`` is added to every call.
"""

from __future__ import annotations

import collections
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, Union

Handler = Callable[[dict], Union[str, dict, list]]


@dataclass(frozen=True)
class Behaviour:
    kind: str
    status: int = 200
    retry_after: Optional[str] = None
    body: str = ""


class Fault:
    OK = Behaviour("ok")
    SERVER_ERROR = Behaviour("status", 500, body='{"error": {"message": "internal error"}}')
    HANG = Behaviour("hang")
    RESET = Behaviour("reset")
    DROP = Behaviour("drop")
    MALFORMED = Behaviour("malformed")
    TRUNCATED = Behaviour("truncated")
    EMPTY = Behaviour("empty")
    IGNORE_SCHEMA = Behaviour("ignore_schema")

    @staticmethod
    def rate_limit(retry_after: Union[float, str, None] = 1) -> Behaviour:
        return Behaviour("status", 429, None if retry_after is None else str(retry_after),
                         '{"error": {"message": "rate limited"}}')

    @staticmethod
    def status(code: int, body: str = "") -> Behaviour:
        return Behaviour("status", code, body=body or json.dumps({"error": {"message": f"HTTP {code}"}}))


def default_handler(body: dict) -> str:
    return "fake reply"


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when a client opens dozens at once (an async
    # client without a limit); a real endpoint would queue them.
    request_queue_size = 128


class FakeOpenAIServer:
    def __init__(self, handler: Handler = default_handler, *, latency: float = 0.0,
                 reject_json_schema: bool = False, reject_response_format: bool = False,
                 api_key: Optional[str] = None, usage: bool = True, model: str = "fake-model",
                 default: Behaviour = Fault.OK, hang_seconds: float = 60.0) -> None:
        self.handler = handler
        self.latency = latency
        self.reject_json_schema = reject_json_schema
        self.reject_response_format = reject_response_format
        self.api_key = api_key
        self.usage = usage
        self.model = model
        self.default = default
        self.hang_seconds = hang_seconds
        self.requests: list[dict] = []  # bodies of chat requests, in arrival order
        self.model_list_calls = 0  # GET /v1/models requests (readiness pings)
        #: (event, monotonic time) pairs: ("request", t), ("response:<kind>", t)
        self.events: list[tuple[str, float]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._queue: collections.deque[Behaviour] = collections.deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- control ------------------------------------------------------------------------------

    def script(self, *behaviours: Behaviour) -> "FakeOpenAIServer":
        with self._lock:
            self._queue.extend(behaviours)
        return self

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> "FakeOpenAIServer":
        self._httpd = _Server(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging requests
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeOpenAIServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling (runs in server threads) ----------------------------------------------

    def _next(self) -> Behaviour:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def _enter(self, body: dict) -> None:
        with self._lock:
            self.requests.append(body)
            self.events.append(("request", time.monotonic()))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self, kind: str) -> None:
        with self._lock:
            self.in_flight -= 1
            self.events.append((f"response:{kind}", time.monotonic()))

    def completion(self, body: dict, content: str, finish: str = "stop") -> dict:
        out: dict[str, Any] = {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
        }
        if self.usage:
            prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
            out["usage"] = {"prompt_tokens": prompt, "completion_tokens": len(content) // 4 + 1,
                            "total_tokens": prompt + len(content) // 4 + 1}
        return out


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    # long: the handler class is defined here so that its methods close over ``server``
    # (http.server builds a handler per request and gives it no other way to reach its state).
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like real servers
        # Headers and body go out as two writes; without TCP_NODELAY, Nagle's algorithm plus the
        # client's delayed ACK stalls every reply by ~40 ms, which is no real server's latency.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, body: Union[str, bytes], headers: Optional[dict] = None) -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.split("?")[0].rstrip("/") == "/v1/models":
                with server._lock:
                    server.model_list_calls += 1
                if server.api_key is not None and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    self._send(401, json.dumps({"error": {"message": "Incorrect API key provided"}}))
                    return
                self._send(200, json.dumps({"object": "list", "data": [{"id": server.model, "object": "model"}]}))
            else:
                self._send(404, '{"error": {"message": "not found"}}')

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.split("?")[0].rstrip("/") != "/v1/chat/completions":  # a query string is allowed
                self._send(404, '{"error": {"message": "not found"}}')
                return
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                self._send(400, '{"error": {"message": "body is not JSON"}}')
                return
            server._enter(body)
            kind = "error"
            try:
                kind = self._respond(body)
            finally:
                server._leave(kind)

        def _respond(self, body: dict) -> str:
            if server.latency:
                time.sleep(server.latency)
            if server.api_key is not None and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                given = self.headers.get("Authorization", "")
                # Like some providers, echo the key: the client must never show this body.
                self._send(401, json.dumps({"error": {"message": f"Incorrect API key provided: {given}"}}))
                return "auth"
            fmt = body.get("response_format") or {}
            if fmt and (server.reject_response_format
                        or (server.reject_json_schema and fmt.get("type") == "json_schema")):
                # Exactly what llama-cpp-python 0.3 does: a 500 wrapping a pydantic literal_error.
                msg = ("1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', "
                       f"'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': '{fmt.get('type')}'}}")
                self._send(500, json.dumps({"error": {"message": msg, "type": "internal_server_error"}}))
                return "reject_format"
            b = server._next()
            if b.kind == "status":
                headers = {"Retry-After": b.retry_after} if b.retry_after is not None else None
                self._send(b.status, b.body, headers)
                return f"status{b.status}"
            if b.kind == "hang":
                server._stopping.wait(server.hang_seconds)
                self.close_connection = True
                return "hang"
            if b.kind == "reset":
                # SO_LINGER 0 + close sends a TCP RST instead of an orderly FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return "reset"
            if b.kind == "drop":
                self.close_connection = True  # an orderly close and no reply at all
                return "drop"
            if b.kind == "malformed":
                self._send(200, '{"choices": [{"message": {"content": "trunc')
                return "malformed"
            out = server.handler(body)
            content = out if isinstance(out, str) else json.dumps(out)
            finish = "stop"
            if b.kind == "truncated":
                content, finish = content[: len(content) // 2], "length"
            elif b.kind == "empty":
                content = ""
            elif b.kind == "ignore_schema":
                content = "Sure! Here is a summary of the documents you gave me."
            self._send(200, json.dumps(server.completion(body, content, finish)))
            return b.kind

        def finish(self) -> None:
            try:
                super().finish()
            except OSError:  # socket already closed by a "reset" behaviour
                pass

    return _Handler


__all__ = ["Behaviour", "FakeOpenAIServer", "Fault", "default_handler"]
