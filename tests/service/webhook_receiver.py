"""A real HTTP receiver for webhook tests: a threaded ``http.server`` on 127.0.0.1.

It answers each POST with the next status of ``statuses`` (the last one repeats), optionally
after ``delay`` seconds, and records what it got; ``verify`` checks a delivery the way the docs
tell receivers to (docs/rest-api.md, "Webhooks").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, statuses=(200,), delay: float = 0.0) -> None:
        self.statuses, self.delay = list(statuses), delay
        self.received: list[dict] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    n = len(receiver.received)
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "at": time.time()})
                    status = receiver.statuses[min(n, len(receiver.statuses) - 1)]
                time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} deliveries, got {len(self.received)}")


def verify(secret: str, headers: dict, body: bytes, tolerance: float = 300.0) -> dict:
    """The receiver's check, as documented: HMAC-SHA256 over "{timestamp}.{body}", a fresh timestamp."""
    timestamp = headers["X-Summarizer-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, headers["X-Summarizer-Signature"]):
        raise ValueError("bad signature")
    if abs(time.time() - int(timestamp)) > tolerance:
        raise ValueError("stale timestamp")
    return json.loads(body)
