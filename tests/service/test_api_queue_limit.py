"""Backpressure: beyond SUMMARIZER_MAX_QUEUED_JOBS waiting jobs, a submission is a 429 with Retry-After."""

from __future__ import annotations

from tests.service.api_helpers import wait_status


def test_full_queue_is_a_429_with_retry_after(make_server, seed_docs):
    srv = make_server(SUMMARIZER_MAX_QUEUED_JOBS="3", SUMMARIZER_MAX_RUNNING_JOBS="1",
                      SUMMARIZER_TEST_SLOW_SECONDS="2").start()
    body = {"documents": seed_docs[:2], "options": {"backend": "slow"}}
    with srv.client() as c:
        running = c.post("/v1/jobs", json=body).json()["id"]
        wait_status(c, running, {"running"})
        queued = [c.post("/v1/jobs", json=body) for _ in range(3)]
        assert [r.status_code for r in queued] == [202] * 3
        r = c.post("/v1/jobs", json=body)
        assert r.status_code == 429, r.text
        assert int(r.headers["retry-after"]) > 0
        err = r.json()["error"]
        assert err["code"] == "queue_full" and "3" in err["message"]
        assert c.post("/v1/summaries", json={"documents": seed_docs[:1]}).status_code == 200  # sync is not queued
        c.delete(f"/v1/jobs/{queued[0].json()['id']}")  # room again
        assert c.post("/v1/jobs", json=body).status_code == 202
        for job in [running] + [q.json()["id"] for q in queued[1:]]:
            c.delete(f"/v1/jobs/{job}")
