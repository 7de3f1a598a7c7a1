"""GET /v1/backends lists what this server can run and why not the rest; a request naming a
backend it cannot run is a 422 at submission naming options.backend, not a failed job later."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.service.api_helpers import ROOT

DOC = [{"id": "a", "text": "The harbor wall will be rebuilt from May. Work starts in the north."}]


def test_unconfigured_backends_are_listed_with_the_reason(make_server):
    srv = make_server(SUMMARIZER_LOCAL_MODEL_PATH="/nonexistent/model.gguf").start()
    with srv.client() as c:
        body = c.get("/v1/backends").json()
        assert {"extractive", "slow"} <= set(body["backends"])
        assert "openai" not in body["backends"] and "local" not in body["backends"]
        reasons = {u["name"]: u["reason"] for u in body["unavailable"]}
        assert reasons["openai"] == "no base URL configured (SUMMARIZER_BASE_URL)"
        assert "SUMMARIZER_LOCAL_MODEL_PATH=/nonexistent/model.gguf is not a file" in reasons["local"]
        for path in ("/v1/jobs", "/v1/summaries"):
            for name in ("openai", "local"):
                r = c.post(path, json={"documents": DOC, "options": {"backend": name}})
                assert r.status_code == 422, r.text
                err = r.json()["error"]
                assert err["field"] == "options.backend" and reasons[name] in err["message"], err
        assert c.get("/v1/jobs").json()["data"] == []  # nothing was accepted


def test_an_unusable_default_backend_is_named_as_the_servers(make_server):
    srv = make_server(SUMMARIZER_BACKEND="openai").start()
    with srv.client() as c:
        r = c.post("/v1/jobs", json={"documents": DOC})
        assert r.status_code == 422
        assert r.json()["error"]["field"] == "options.backend"
        assert "'openai' (the server's default) is not usable" in r.json()["error"]["message"]
        assert c.get("/v1/backends").json()["default"] == "openai"


def test_a_configured_endpoint_is_listed_without_probing_it(make_server):
    # Port 9 (discard) on loopback: nothing listens, so a probe would fail or wait.
    srv = make_server(SUMMARIZER_BASE_URL="http://127.0.0.1:9/v1", SUMMARIZER_MODEL="m").start()
    with srv.client() as c:
        t0 = time.monotonic()
        body = c.get("/v1/backends").json()
        assert time.monotonic() - t0 < 1.0
    assert "openai" in body["backends"]
    assert "openai" not in {u["name"] for u in body["unavailable"]}


_WITHOUT_LLAMA_CPP = """
import sys
sys.modules["llama_cpp"] = None  # how Python marks a module as absent: find_spec gives None, import fails
from summarizer.backends.usability import unusable_reason
from summarizer.config.settings import Settings
print(unusable_reason("local", Settings()))
print(unusable_reason("extractive", Settings()))
"""


def test_local_without_llama_cpp_says_so():
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_LLAMA_CPP], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    local, extractive = proc.stdout.splitlines()
    assert local.startswith("the local model needs 'llama_cpp', which is not installed")
    assert extractive == "None"
