"""Issue 15 item 9: a key's limit of jobs at once holds across API processes (PostgreSQL store)."""

from __future__ import annotations


def test_jobs_at_once_per_key_across_two_api_processes(cluster, seed_docs):
    env = {"SUMMARIZER_API_KEYS": "key-one,key-two", "SUMMARIZER_KEY_MAX_ACTIVE_JOBS": "2"}
    a, b = cluster.api(**env), cluster.api(**env)  # no worker: the jobs stay queued
    body = {"documents": seed_docs[:1]}
    with a.client("key-one") as a1, b.client("key-one") as b1, b.client("key-two") as b2:
        assert a1.post("/v1/jobs", json=body).status_code == 202
        assert b1.post("/v1/jobs", json=body).status_code == 202
        r = a1.post("/v1/jobs", json=body)
        assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_active_jobs", r.text
        assert b1.post("/v1/jobs", json=body).status_code == 429
        assert b2.post("/v1/jobs", json=body).status_code == 202


def test_active_job_limit_is_checked_inside_the_insert_transaction(db_url):
    # Two stores (two API processes) racing for a key's last slot: the second waits on the
    # per-owner advisory lock until the first's insert commits, then sees it and refuses.
    from summarizer.service.pg.store import PgJobStore
    from tests.service.active_limit_race import assert_one_gets_the_last_slot

    assert_one_gets_the_last_slot(PgJobStore(db_url), PgJobStore(db_url))
