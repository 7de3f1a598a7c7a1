"""Job webhooks through a real server and a real receiver on 127.0.0.1: signed notices on
success, failure and cancel; retries with backoff; refusals; redacted logs; never blocking jobs."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.service.api_helpers import ROOT, free_port, wait_status
from tests.service.webhook_receiver import Receiver, verify

SECRET = "whsec-test-1"
DOC = [{"id": "a", "text": "The harbor wall will be rebuilt from May. Work starts in the north."}]


def _webhook_server(make_server, **env):
    return make_server(SUMMARIZER_WEBHOOK_HOSTS="127.0.0.1", SUMMARIZER_WEBHOOK_SECRET=SECRET,
                       SUMMARIZER_WEBHOOK_RETRY_SECONDS="0.2", **env).start()


def test_signed_notice_on_success_failure_and_cancel(make_server):
    dead = free_port()  # nothing listens: an openai job there fails at once
    srv = _webhook_server(make_server, SUMMARIZER_BASE_URL=f"http://127.0.0.1:{dead}/v1",
                          SUMMARIZER_MODEL="m", SUMMARIZER_MAX_RETRIES="0", SUMMARIZER_NO_CACHE="1")
    with Receiver() as rx, srv.client() as c:
        ok = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": rx.url("/ok")}).json()["id"]
        failed = c.post("/v1/jobs", json={"documents": DOC, "options": {"backend": "openai"},
                                          "webhook_url": rx.url("/failed")}).json()["id"]
        slow = c.post("/v1/jobs", json={"documents": DOC, "options": {"backend": "slow"},
                                        "webhook_url": rx.url("/cancelled")}).json()["id"]
        plain = c.post("/v1/jobs", json={"documents": DOC}).json()["id"]  # no webhook: nothing sent
        wait_status(c, slow, {"running"})
        assert c.delete(f"/v1/jobs/{slow}").json()["status"] == "cancelled"
        for job_id in (ok, failed, plain):
            wait_status(c, job_id, {"succeeded", "failed"})
        got = {d["path"]: d for d in rx.wait_for(3)}
        time.sleep(0.5)
        assert len(rx.received) == 3
        views = {job_id: c.get(f"/v1/jobs/{job_id}").json() for job_id in (ok, failed, slow)}
    for path, job_id, kind in (("/ok", ok, "job.succeeded"), ("/failed", failed, "job.failed"),
                               ("/cancelled", slow, "job.cancelled")):
        delivery = got[path]
        assert delivery["headers"]["Content-Type"] == "application/json"
        notice = verify(SECRET, delivery["headers"], delivery["body"])
        assert notice["type"] == kind
        assert notice["job"] == views[job_id]
        assert notice["links"] == {"self": f"/v1/jobs/{job_id}", "result": f"/v1/jobs/{job_id}/result"}
    assert views[failed]["error"]["code"] == "llm_unavailable"
    with pytest.raises(ValueError):
        verify("another-secret", got["/ok"]["headers"], got["/ok"]["body"])


def test_failed_deliveries_are_retried_with_backoff_and_logged_redacted(make_server):
    srv = _webhook_server(make_server, SUMMARIZER_WEBHOOK_MAX_ATTEMPTS="3")
    with Receiver(statuses=(500, 503, 200)) as flaky, Receiver(statuses=(500,)) as broken, srv.client() as c:
        c.post("/v1/jobs", json={"documents": DOC, "webhook_url": flaky.url("/h?token=s3cr3t")})
        c.post("/v1/jobs", json={"documents": DOC, "webhook_url": broken.url("/h?token=s3cr3t")})
        tries = flaky.wait_for(3)
        broken.wait_for(3)
        time.sleep(1.0)  # a 4th try would come 0.8 s after the 3rd
        assert len(broken.received) == 3
    assert len({t["headers"]["X-Summarizer-Delivery"] for t in tries}) == 1  # one delivery, three tries
    assert all(verify(SECRET, t["headers"], t["body"]) for t in tries)
    gaps = [b["at"] - a["at"] for a, b in zip(tries, tries[1:])]
    assert 0.15 < gaps[0] < gaps[1]  # 0.2 s, then 0.4 s
    log = srv.log_path.read_text()
    lines = [json.loads(line) for line in log.splitlines() if "webhook" in line]
    assert any(x["message"].startswith("webhook delivery failed (HTTP 500); retry in 0.2 s") for x in lines)
    assert any(x["message"] == "webhook delivered" and x["attempt"] == 3 for x in lines)
    assert any("giving up after 3 tries" in x["message"] for x in lines)
    assert "s3cr3t" not in log
    assert any(x.get("url") == f"http://127.0.0.1:{flaky.port}/h?***" for x in lines)


def test_a_slow_receiver_does_not_hold_up_jobs(make_server):
    srv = _webhook_server(make_server)
    with Receiver(delay=5.0) as rx, srv.client() as c:
        first = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": rx.url()}).json()["id"]
        wait_status(c, first, {"succeeded"})
        rx.wait_for(1)  # the receiver is holding this delivery for 5 s
        t0 = time.monotonic()
        second = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": rx.url()}).json()["id"]
        wait_status(c, second, {"succeeded"})
        assert time.monotonic() - t0 < 3.0


def test_webhook_urls_are_refused_unless_allowed(make_server):
    closed = make_server().start()
    with closed.client() as c:
        r = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": "http://127.0.0.1:9/h"})
        assert r.status_code == 422 and r.json()["error"]["field"] == "webhook_url"
        assert "not enabled" in r.json()["error"]["message"]
    srv = make_server(SUMMARIZER_WEBHOOK_HOSTS="127.0.0.1:8080,hooks.example", SUMMARIZER_WEBHOOK_SECRET=SECRET).start()
    with srv.client() as c:
        for url in ("http://localhost:8080/h", "http://127.0.0.1:8081/h", "ftp://hooks.example/h",
                    "http:///nohost", "http://[::1/h", "file:///etc/passwd", "x" * 3000):
            r = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": url})
            assert r.status_code == 422, (url, r.text)
            assert r.json()["error"]["field"] == "webhook_url", r.text
        for url in ("http://127.0.0.1:8080/h", "https://hooks.example/h", "http://HOOKS.example:9000/x"):
            assert c.post("/v1/jobs", json={"documents": DOC, "webhook_url": url}).status_code == 202, url
        assert c.get("/v1/jobs").json()["data"].__len__() == 3


def test_hosts_without_a_secret_stop_the_server_with_one_line(tmp_path):
    env = {"PYTHONPATH": str(ROOT), "SUMMARIZER_DB_PATH": str(tmp_path / "j.sqlite3"),
           "SUMMARIZER_WEBHOOK_HOSTS": "127.0.0.1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "summarizer", "serve", "--port", str(free_port())],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "SUMMARIZER_WEBHOOK_HOSTS is set but SUMMARIZER_WEBHOOK_SECRET is not" in proc.stderr.strip().splitlines()[-1]
