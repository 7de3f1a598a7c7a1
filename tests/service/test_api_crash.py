"""kill -9 of the server during a job, then a restart: the job finishes from its stored input."""

from __future__ import annotations

import time

from tests.service.api_helpers import wait_status


def test_kill9_during_job_then_restart(make_server, seed_docs):
    srv = make_server(SUMMARIZER_TEST_SLOW_SECONDS="1").start()
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}}).json()["id"]
        deadline = time.monotonic() + 30
        while c.get(f"/v1/jobs/{job_id}").json()["progress"]["stage"] != "summarize_source":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    srv.kill9()  # mid-run: one source done, four to go

    srv.start(SUMMARIZER_TEST_SLOW_SECONDS="0.05")
    with srv.client() as c:
        job = wait_status(c, job_id, {"succeeded", "failed"})
        assert job["status"] == "succeeded", job
        result = c.get(f"/v1/jobs/{job_id}/result").json()
        analysis = c.get(f"/v1/jobs/{job_id}/analysis").json()
    # The input survived byte for byte, and the result cites it.
    assert [(s["id"], s["text"]) for s in analysis["sources"]] == [(d["id"], d["text"]) for d in seed_docs]
    texts = {d["id"]: d["text"] for d in seed_docs}
    for s in result["consolidated"]:
        for cit in s["citations"]:
            assert texts[cit["source_id"]][cit["start"]:cit["end"]] == cit["text"]
    assert '"message": "re-queued unfinished job"' in srv.log_path.read_text()


def test_job_that_keeps_killing_the_server_is_failed_with_reason(make_server, seed_docs):
    srv = make_server(SUMMARIZER_TEST_SLOW_SECONDS="30").start()
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:1], "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
    for _ in range(2):  # attempts 2 and 3 also die
        srv.kill9()
        srv.start()
        with srv.client() as c:
            wait_status(c, job_id, {"running"})
    srv.kill9()
    srv.start()
    with srv.client() as c:
        job = c.get(f"/v1/jobs/{job_id}").json()
        assert job["status"] == "failed"
        assert job["error"]["code"] == "interrupted" and "3 times" in job["error"]["message"]
        assert c.get(f"/v1/jobs/{job_id}/analysis").status_code == 200  # input kept for inspection
