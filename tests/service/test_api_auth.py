"""API keys: 401 without a valid key, jobs private to the key that made them, keys never logged."""

from __future__ import annotations

import sqlite3

KEYS = ["alpha-key-7f3a9c", "beta-key-1d2e8b"]


def test_auth(make_server, seed_docs):
    srv = make_server(SUMMARIZER_API_KEYS=",".join(KEYS)).start()
    doc = {"documents": seed_docs[:1]}
    with srv.client() as anon, srv.client(KEYS[0]) as alpha, srv.client(KEYS[1]) as beta, \
            srv.client("wrong-key") as wrong:
        for client in (anon, wrong):
            r = client.post("/v1/summaries", json=doc)
            assert r.status_code == 401
            assert r.json()["error"]["code"] == "unauthorized"
            assert client.get("/v1/backends").status_code == 401
        assert anon.get("/v1/backends", headers={"Authorization": f"Basic {KEYS[0]}"}).status_code == 401
        assert anon.get("/healthz").status_code == 200  # ops endpoints stay open

        assert alpha.post("/v1/summaries", json=doc).status_code == 200
        job_id = alpha.post("/v1/jobs", json=doc).json()["id"]
        assert alpha.get(f"/v1/jobs/{job_id}").status_code == 200
        for method, path in [("GET", ""), ("GET", "/result"), ("GET", "/events"), ("GET", "/analysis"), ("DELETE", "")]:
            r = beta.request(method, f"/v1/jobs/{job_id}{path}")
            assert r.status_code == 404, (method, path)  # another key's job does not exist for you
        assert anon.get(f"/v1/jobs/{job_id}").status_code == 401
    srv.stop()

    log = srv.log_path.read_text()
    assert log.count('"status": 401') >= 4  # the attempts were logged...
    for key in KEYS + ["wrong-key"]:
        assert key not in log  # ...without the keys
    db = sqlite3.connect(srv.db_path).execute("SELECT owner FROM jobs").fetchall()
    assert len(db) == 1 and KEYS[0] not in db[0][0] and len(db[0][0]) == 64  # a hash, not the key
