"""The REST additions over PostgreSQL (real server, real API processes): job list, idempotency
keys, deletion, retention and webhooks behave as with the SQLite store."""

from __future__ import annotations

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
