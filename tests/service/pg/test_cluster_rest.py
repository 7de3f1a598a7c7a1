"""The REST additions over PostgreSQL (real server, real API processes): job list, idempotency
keys, deletion, retention and webhooks behave as with the SQLite store."""

from __future__ import annotations

import threading
import time

import psycopg

from tests.service.api_helpers import wait_status
from tests.service.webhook_receiver import Receiver, verify

DOC = [{"id": "a", "text": "The harbor wall will be rebuilt from May. Work starts in the north."}]


def test_job_list_per_key_newest_first_across_processes(cluster):
    a, b = cluster.api(SUMMARIZER_API_KEYS="k1,k2"), cluster.api(SUMMARIZER_API_KEYS="k1,k2")
    with a.client("k1") as a1, b.client("k1") as b1, b.client("k2") as b2:
        mine = [(a1 if i % 2 else b1).post("/v1/jobs", json={"documents": DOC}).json()["id"] for i in range(5)]
        theirs = b2.post("/v1/jobs", json={"documents": DOC}).json()["id"]
        first = a1.get("/v1/jobs", params={"limit": 3}).json()
        second = b1.get("/v1/jobs", params={"limit": 3, "after": first["next"]}).json()
        assert [j["id"] for j in first["data"] + second["data"]] == mine[::-1]
        assert second["next"] is None
        assert [j["id"] for j in b2.get("/v1/jobs", params={"status": "queued"}).json()["data"]] == [theirs]
        assert b2.get("/v1/jobs", params={"status": "running"}).json() == {"data": [], "next": None}


def _rows(url: str, job_id: str) -> dict[str, int]:
    """How many rows of each table hold this job."""
    with psycopg.connect(url) as conn:
        return {table: conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} = %s", (job_id,)).fetchone()[0]
                for table, col in (("summarizer_jobs", "id"), ("summarizer_inputs", "job_id"),
                                   ("summarizer_results", "job_id"), ("summarizer_idempotency", "job_id"),
                                   ("summarizer_webhooks", "job_id"))}


def test_idempotency_key_across_processes_racing(cluster):
    a, b = cluster.api(), cluster.api()
    ids, statuses = [], []

    def post(srv) -> None:
        with srv.client() as c:
            r = c.post("/v1/jobs", json={"documents": DOC}, headers={"Idempotency-Key": "race"})
            ids.append(r.json()["id"])
            statuses.append(r.status_code)

    threads = [threading.Thread(target=post, args=(srv,)) for srv in (a, b) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and sorted(statuses) == [200] * 7 + [202], (ids, statuses)
    with a.client() as c:
        r = c.post("/v1/jobs", json={"documents": DOC * 1, "options": {"consolidated_sentences": 1}},
                   headers={"Idempotency-Key": "race"})
        assert r.status_code == 409 and r.json()["error"]["field"] == "Idempotency-Key"
        assert len(c.get("/v1/jobs").json()["data"]) == 1


def test_webhook_from_the_worker_delete_and_retention(cluster):
    env = {"SUMMARIZER_WEBHOOK_HOSTS": "127.0.0.1", "SUMMARIZER_WEBHOOK_SECRET": "pg-secret",
           "SUMMARIZER_RETENTION_DAYS": "0.0001", "SUMMARIZER_RETENTION_SWEEP_SECONDS": "0.5"}
    api = cluster.api(**env)
    with Receiver() as rx, api.client() as c:
        queued = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": rx.url("/cancelled")}).json()["id"]
        assert c.delete(f"/v1/jobs/{queued}").json()["status"] == "cancelled"  # by the API process
        cancelled = verify("pg-secret", rx.wait_for(1)[0]["headers"], rx.received[0]["body"])
        assert cancelled["type"] == "job.cancelled" and cancelled["job"]["id"] == queued
        # DELETE of a finished job: every row gone.
        assert _rows(cluster.url, queued)["summarizer_inputs"] == 1
        assert c.delete(f"/v1/jobs/{queued}").json()["status"] == "deleted"
        assert set(_rows(cluster.url, queued).values()) == {0}

        done = c.post("/v1/jobs", json={"documents": DOC, "webhook_url": rx.url("/done")},
                      headers={"Idempotency-Key": "k"}).json()["id"]
        worker = cluster.worker(**env)
        wait_status(c, done, {"succeeded"}, timeout=30)
        assert _rows(cluster.url, done) == dict.fromkeys(_rows(cluster.url, done), 1)
        notice = verify("pg-secret", rx.wait_for(2)[1]["headers"], rx.received[1]["body"])
        assert notice["type"] == "job.succeeded" and notice["job"]["id"] == done
        deadline = time.monotonic() + 10
        while '"message": "webhook delivered"' not in worker.log():  # logged once the receiver answered
            assert time.monotonic() < deadline, worker.log()[-2000:]
            time.sleep(0.1)
        # Retention (8.6 s after it finished), swept by the worker.
        deadline = time.monotonic() + 30
        while c.get(f"/v1/jobs/{done}").status_code != 404:
            assert time.monotonic() < deadline, worker.log()[-2000:]
            time.sleep(0.3)
        assert set(_rows(cluster.url, done).values()) == {0}
        assert "finished jobs older than" in worker.log()
