"""Issue 15 item 9: per-key limits, through a real server with two keys.

Requests per minute (POSTs only; counted in the process) and jobs queued or running at once
(counted in the job store): each a 429 with Retry-After naming the limit, for that key only.
"""

from __future__ import annotations

from tests.service.api_helpers import wait_status

KEYS = "key-one,key-two"


def test_rate_per_key_counts_posts_only(make_server, seed_docs):
    srv = make_server(SUMMARIZER_API_KEYS=KEYS, SUMMARIZER_KEY_RATE_PER_MINUTE="5").start()
    body = {"documents": seed_docs[:1]}
    with srv.client("key-one") as one, srv.client("key-two") as two:
        assert [one.post("/v1/analysis", json=body).status_code for _ in range(5)] == [200] * 5
        r = one.post("/v1/summaries", json=body)
        assert r.status_code == 429, r.text
        assert 1 <= int(r.headers["retry-after"]) <= 12  # a token every 12 s at 5 a minute
        err = r.json()["error"]
        assert err["code"] == "rate_limited" and "SUMMARIZER_KEY_RATE_PER_MINUTE" in err["message"]
        assert two.post("/v1/analysis", json=body).status_code == 200  # the other key is not limited
        assert one.get("/v1/backends").status_code == 200  # reads are not counted


def test_jobs_at_once_per_key_counted_in_the_store(make_server, seed_docs):
    srv = make_server(SUMMARIZER_API_KEYS=KEYS, SUMMARIZER_KEY_MAX_ACTIVE_JOBS="2",
                      SUMMARIZER_TEST_SLOW_SECONDS="2").start()
    body = {"documents": seed_docs[:2], "options": {"backend": "slow"}}
    with srv.client("key-one") as one, srv.client("key-two") as two:
        first, second = (one.post("/v1/jobs", json=body) for _ in range(2))
        assert first.status_code == second.status_code == 202
        r = one.post("/v1/jobs", json=body)
        assert r.status_code == 429, r.text
        assert int(r.headers["retry-after"]) > 0
        err = r.json()["error"]
        assert err["code"] == "too_many_active_jobs" and "SUMMARIZER_KEY_MAX_ACTIVE_JOBS" in err["message"]
        other = two.post("/v1/jobs", json=body)
        assert other.status_code == 202  # per key
        one.delete(f"/v1/jobs/{first.json()['id']}")
        wait_status(one, first.json()["id"], {"cancelled"})
        third = one.post("/v1/jobs", json=body)
        assert third.status_code == 202, third.text
    srv.stop()  # the count is in the store: a restarted process sees the same two jobs
    srv.start()
    with srv.client("key-one") as one:
        assert one.post("/v1/jobs", json=body).status_code == 429
