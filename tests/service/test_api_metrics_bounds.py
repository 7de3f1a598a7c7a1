"""/metrics stays small whatever methods and paths clients send: its label sets are bounded."""

from __future__ import annotations

import random
import re
import socket

from prometheus_client.parser import text_string_to_metric_families

KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"}


def raw_request(port: int, method: str, path: str) -> bytes:
    """One request over a plain socket (an HTTP client library would refuse most of these methods)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    return reply


def random_request(rng: random.Random) -> tuple[str, str]:
    token = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=rng.randint(3, 40)))
    method = rng.choice([token, token.lower(), "GET", "POST", "DELETE", "PROPFIND", "TRACE"])
    path = rng.choice([f"/{token}", f"/v1/{token}", f"/v1/jobs/{token}", f"/v1/jobs/{token}/result",
                       f"/static/{token}.js", "/healthz", f"/v1/summaries?{token}=1"])
    return method, path


def label_values(metrics_text: str, metric: str, label: str) -> set[str]:
    return {s.labels[label] for fam in text_string_to_metric_families(metrics_text) if fam.name == metric
            for s in fam.samples if label in s.labels}


def test_random_methods_and_paths_keep_metrics_bounded(server):
    rng = random.Random(15)
    statuses = set()
    for _ in range(300):
        reply = raw_request(server.port, *random_request(rng))
        statuses.add(int(reply.split(b" ", 2)[1]))
    assert statuses and max(statuses) < 500, statuses
    with server.client() as c:
        assert c.get("/healthz").status_code == 200
        m = c.get("/metrics")
    assert m.status_code == 200
    methods = label_values(m.text, "summarizer_http_requests", "method")
    routes = label_values(m.text, "summarizer_http_requests", "route")
    assert methods <= KNOWN_METHODS, methods
    assert "other" in methods  # the unknown methods were counted, under one label
    assert len(routes) <= 20 and not any(r.startswith(("/static/", "/v1/jobs/", "/v1/summaries?")) and "{" not in r
                                         for r in routes), routes
    assert len(m.content) < 60_000, len(m.content)
    assert re.search(r'summarizer_http_requests_total\{method="other",route="[^"]+",status="\d+"\} \d', m.text)
