"""options.model: only allowed models, one LLM client per endpoint, one concurrency limit across models."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from summarizer.testing.fake_openai import FakeOpenAIServer
from tests.service.test_api_disconnect import handler

DOC = {"id": "a", "text": "The council approved the budget on Monday. The mayor praised the vote.\n\n"
                          "Three new schools will be built. The opposition called the plan reckless."}
MODELS = [f"model-{i:02d}" for i in range(16)]


def upstream_sockets(pid: int, port: int) -> int:
    """TCP connections of the server process to the upstream port (from /proc, as ss would)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    n = 0
    with open("/proc/net/tcp") as f:
        for line in list(f)[1:]:
            cols = line.split()
            if cols[9] in inodes and int(cols[2].split(":")[1], 16) == port:
                n += 1
    return n


def test_distinct_models_share_one_client_and_one_limit(make_server):
    with FakeOpenAIServer(handler, latency=0.1) as upstream:
        port = int(upstream.base_url.rsplit(":", 1)[1].split("/")[0])
        srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=upstream.base_url,
                          SUMMARIZER_MODEL="model-00", SUMMARIZER_ALLOWED_MODELS=",".join(MODELS),
                          SUMMARIZER_MAX_CONCURRENCY="2").start()

        def run(model: str) -> int:
            with srv.client() as c:
                r = c.post("/v1/summaries", json={"documents": [DOC], "options": {"model": model}})
            assert r.status_code == 200, r.text
            assert r.json()["stats"]["model"] == model
            return r.status_code

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(run, MODELS))
        assert {r["model"] for r in upstream.requests} == set(MODELS)  # each request ran on its model
        assert upstream.max_in_flight <= 2, upstream.max_in_flight  # SUMMARIZER_MAX_CONCURRENCY, across models
        assert upstream_sockets(srv.proc.pid, port) <= 2


def test_model_not_allowed_is_a_422_naming_the_field(make_server):
    srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL="http://127.0.0.1:9/v1",
                      SUMMARIZER_MODEL="configured", SUMMARIZER_ALLOWED_MODELS="small, large").start()
    with srv.client() as c:
        for path in ("/v1/summaries", "/v1/jobs"):
            r = c.post(path, json={"documents": [DOC], "options": {"model": "gpt-unlimited"}})
            assert r.status_code == 422, r.text
            err = r.json()["error"]
            assert err["field"] == "options.model" and "gpt-unlimited" in err["message"]
            assert "configured, large, small" in err["message"]


def test_unset_allow_list_means_only_the_configured_model(make_server):
    srv = make_server().start()  # the extractive backend, no SUMMARIZER_MODEL, no allow-list
    with srv.client() as c:
        r = c.post("/v1/summaries", json={"documents": [DOC], "options": {"model": "anything"}})
        assert r.status_code == 422 and r.json()["error"]["field"] == "options.model", r.text
        assert c.post("/v1/summaries", json={"documents": [DOC]}).status_code == 200
