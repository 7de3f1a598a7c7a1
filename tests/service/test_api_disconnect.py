"""A client that leaves a synchronous summary stops the work it asked for: no more LLM calls."""

from __future__ import annotations

import json
import socket
import time

from summarizer.testing.fake_openai import FakeOpenAIServer
from tests.llm_helpers import LINE_RE


def handler(body: dict) -> dict:
    if "pairs of sentences" in body["messages"][0]["content"]:
        return {"conflicts": []}
    lines = LINE_RE.findall(body["messages"][-1]["content"])
    return {"sentences": [{"text": t, "cites": [int(n)]} for n, t in lines[:2]]}


def test_client_disconnect_cancels_the_sync_run(make_server, seed_docs):
    with FakeOpenAIServer(handler, latency=0.25) as upstream:
        srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=upstream.base_url, SUMMARIZER_MODEL="m",
                          SUMMARIZER_MAX_CONCURRENCY="1", SUMMARIZER_NO_CACHE="1").start()
        docs = [{"id": f"{d['id']}-{k}", "text": d["text"]} for k in range(3) for d in seed_docs]  # 15 map calls
        body = json.dumps({"documents": docs, "options": {"dedup_threshold": 1.0}}).encode()
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            sock.sendall(b"POST /v1/summaries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body)
            deadline = time.monotonic() + 30
            while upstream.calls < 2:  # the run is under way
                assert time.monotonic() < deadline, "the run never reached the LLM"
                time.sleep(0.05)
        # The socket is closed: the client is gone.
        time.sleep(0.6)  # the call in flight when the client left may still finish
        after_leaving = upstream.calls
        time.sleep(3)
        assert upstream.calls == after_leaving, "LLM calls went on after the client left"
        assert 0 < after_leaving < 8
    log = srv.log_path.read_text()
    assert '"status": 499' in log and "client disconnected" in log
