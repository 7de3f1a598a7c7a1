"""Idempotency-Key on POST /v1/jobs, through a real server: a retry gets the same job, another
body with the key is a 409 naming the header, keys are per API key and live as long as the job."""

from __future__ import annotations

import threading

from tests.service.api_helpers import wait_status

DOC = [{"id": "a", "text": "The harbor wall will be rebuilt from May. Work starts in the north."}]
BODY = {"documents": DOC, "options": {"consolidated_sentences": 2}}


def test_a_retry_with_the_key_gets_the_same_job(server):
    with server.client() as c:
        first = c.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "order-1"})
        # The same request written differently (key order, defaults spelled out) is the same request.
        same = {"options": {"consolidated_sentences": 2, "find_conflicts": True}, "documents": DOC}
        again = c.post("/v1/jobs", json=same, headers={"Idempotency-Key": "order-1"})
        other = c.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "order-2"})
        unkeyed = [c.post("/v1/jobs", json=BODY).json()["id"] for _ in range(2)]
    assert first.status_code == 202 and "idempotent-replayed" not in first.headers
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    assert other.json()["id"] != first.json()["id"]
    assert unkeyed[0] != unkeyed[1]


def test_the_key_with_another_body_is_a_409_naming_the_header(server):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "k-409"}).json()["id"]
        changed = dict(BODY, options={"consolidated_sentences": 3})
        r = c.post("/v1/jobs", json=changed, headers={"Idempotency-Key": "k-409"})
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "idempotency_conflict" and err["field"] == "Idempotency-Key"
    assert job_id in err["message"]


def test_racing_retries_make_one_job(server):
    ids: list[str] = []
    statuses: list[int] = []

    def post() -> None:
        with server.client() as c:
            r = c.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "race-1"})
            ids.append(r.json()["id"])
            statuses.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1, ids
    assert sorted(statuses) == [200] * 7 + [202]


def test_keys_are_per_api_key_and_live_as_long_as_the_job(make_server):
    srv = make_server(SUMMARIZER_API_KEYS="k1,k2").start()
    with srv.client("k1") as c1, srv.client("k2") as c2:
        a = c1.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "shared"}).json()["id"]
        b = c2.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "shared"}).json()["id"]
        assert a != b
        wait_status(c1, a, {"succeeded"})
        assert c1.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "shared"}).json()["id"] == a
        assert c1.delete(f"/v1/jobs/{a}").json()["status"] == "deleted"
        fresh = c1.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "shared"})
        assert fresh.status_code == 202 and fresh.json()["id"] not in (a, b)


def test_a_retry_is_answered_even_when_the_queue_is_full(make_server):
    srv = make_server(SUMMARIZER_MAX_QUEUED_JOBS="1", SUMMARIZER_MAX_RUNNING_JOBS="1",
                      SUMMARIZER_TEST_SLOW_SECONDS="2").start()
    slow = {"documents": DOC, "options": {"backend": "slow"}}
    with srv.client() as c:
        running = c.post("/v1/jobs", json=slow).json()["id"]
        wait_status(c, running, {"running"})
        queued = c.post("/v1/jobs", json=slow, headers={"Idempotency-Key": "q"})
        assert queued.status_code == 202
        assert c.post("/v1/jobs", json=slow).status_code == 429
        retry = c.post("/v1/jobs", json=slow, headers={"Idempotency-Key": "q"})
        assert retry.status_code == 200 and retry.json()["id"] == queued.json()["id"]


def test_malformed_keys_are_422_naming_the_header(server):
    with server.client() as c:
        for key in ("", "has space", "x" * 256, "ключ"):
            r = c.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": key.encode()})  # raw UTF-8 bytes too
            assert r.status_code == 422, (key, r.text)
            assert r.json()["error"]["field"] == "Idempotency-Key", r.text
