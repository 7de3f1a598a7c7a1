"""Issue 15 item 15 (last point): the SQLite job database deleted while the server runs.

Before: jobs accepted afterwards went into the deleted file and vanished at the next restart,
while health stayed green. Now a deleted file is written back from the open connection (no job
lost, logged as an error), and a file replaced by another makes /readyz and new jobs a 503.
"""

from __future__ import annotations

import time

from tests.service.api_helpers import wait_status


def test_deleted_database_file_is_written_back_and_no_job_is_lost(make_server, seed_docs):
    srv = make_server(SUMMARIZER_TEST_SLOW_SECONDS="0.5").start()
    body = {"documents": seed_docs[:2], "options": {"backend": "slow"}}
    with srv.client() as c:
        first = c.post("/v1/jobs", json=body).json()["id"]
        wait_status(c, first, {"running"})
        for suffix in ("", "-wal", "-shm"):
            srv.db_path.with_name(srv.db_path.name + suffix).unlink(missing_ok=True)
        second = c.post("/v1/jobs", json=body)  # checks the file first: written back before storing
        assert second.status_code == 202, second.text
        assert srv.db_path.exists()
        second = second.json()["id"]
        for job_id in (first, second):
            assert wait_status(c, job_id, {"succeeded", "failed"})["status"] == "succeeded"
    srv.kill9()
    srv.start()
    with srv.client() as c:  # both jobs, their inputs and results, survived the restart
        for job_id in (first, second):
            assert c.get(f"/v1/jobs/{job_id}").json()["status"] == "succeeded"
            assert c.get(f"/v1/jobs/{job_id}/analysis").status_code == 200
            assert c.get(f"/v1/jobs/{job_id}/result").status_code == 200
    assert "was deleted while the server ran; written back" in srv.log_path.read_text()


def test_deleted_while_idle_is_written_back_by_the_watch(make_server, seed_docs):
    srv = make_server().start()
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:1]}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
    srv.db_path.unlink()
    deadline = time.monotonic() + 10
    while not srv.db_path.exists():
        assert time.monotonic() < deadline, "the database file was not written back"
        time.sleep(0.1)
    srv.kill9()
    srv.start()
    with srv.client() as c:
        assert c.get(f"/v1/jobs/{job_id}").json()["status"] == "succeeded"


def test_replaced_database_file_makes_health_red_and_new_jobs_503(make_server, seed_docs):
    srv = make_server().start()
    with srv.client() as c:
        assert c.get("/readyz").status_code == 200
        srv.db_path.unlink()
        srv.db_path.write_bytes(b"")  # another file at the path: not ours to overwrite
        ready = c.get("/readyz")
        assert ready.status_code == 503 and "replaced" in ready.json()["error"]["message"]
        r = c.post("/v1/jobs", json={"documents": seed_docs[:1]})
        assert r.status_code == 503 and r.json()["error"]["code"] == "store_unavailable", r.text
