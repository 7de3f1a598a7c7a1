"""Issue 15 item 4: the job database on a full filesystem (a real tmpfs of a few MB, filled up; where
mounting is refused, ENOSPC injected at the job store: see disk_helpers.py).

Before: saving the result and marking the job failed both failed, the job stayed "running" for
ever, the only trace was "Task exception was never retrieved" in plain text, and new submissions
got a 500. Now new work gets a 507 naming the cause, /readyz says 503, the finished job's result
waits in memory and is saved once there is room, and every log line stays JSON.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.service.api_helpers import wait_status


def log_records(srv) -> list[dict]:
    lines = srv.log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line JSON: raises otherwise
    assert not any("never retrieved" in line for line in lines)
    return records


@pytest.fixture
def full_disk_server(make_server, small_disk):
    disk = small_disk(4)
    srv = make_server(SUMMARIZER_DB_PATH=str(disk.path / "jobs.sqlite3"), SUMMARIZER_MIN_FREE_DISK_MB="0.5",
                      SUMMARIZER_TEST_SLOW_SECONDS="1", **disk.server_env).start()
    return srv, disk


def test_disk_full_refuses_new_work_and_saves_the_result_once_there_is_room(full_disk_server, seed_docs):
    srv, disk = full_disk_server
    body = {"documents": seed_docs, "options": {"backend": "slow"}}
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json=body).json()["id"]
        wait_status(c, job_id, {"running"})
        disk.fill()

        r = c.post("/v1/jobs", json=body)
        assert r.status_code == 507, r.text
        err = r.json()["error"]
        assert err["code"] == "storage_full" and "SUMMARIZER_MIN_FREE_DISK_MB" in err["message"]
        ready = c.get("/readyz")
        assert ready.status_code == 503 and ready.json()["error"]["code"] == "storage_full"

        deadline = time.monotonic() + 30  # the run ends; its result cannot be saved
        while not any(r.get("message", "").startswith("could not save the result") for r in log_records(srv)):
            assert time.monotonic() < deadline, srv.log_path.read_text()[-3000:]
            time.sleep(0.2)
        assert c.get(f"/v1/jobs/{job_id}").json()["status"] == "running"  # not failed: nothing is lost

        disk.free()
        job = wait_status(c, job_id, {"succeeded", "failed"}, timeout=30)
        assert job["status"] == "succeeded", job
        result = c.get(f"/v1/jobs/{job_id}/result").json()
        assert result["consolidated"]
        assert c.get("/readyz").status_code == 200
        assert c.post("/v1/jobs", json={"documents": seed_docs[:1]}).status_code == 202
    records = log_records(srv)
    saved = [r for r in records if r.get("message", "").startswith("did save the result")]
    assert saved and saved[0]["job_id"] == job_id


def test_restart_on_a_full_disk_then_the_job_runs_when_there_is_room(full_disk_server, seed_docs):
    srv, disk = full_disk_server
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
    disk.fill()
    srv.kill9()
    srv.start(SUMMARIZER_TEST_SLOW_SECONDS="0.01")  # starts although the job cannot be re-queued yet
    with srv.client() as c:
        assert c.get(f"/v1/jobs/{job_id}").json()["status"] == "running"
        assert c.get("/readyz").status_code == 503
        disk.free()
        job = wait_status(c, job_id, {"succeeded", "failed"}, timeout=30)
        assert job["status"] == "succeeded", job
    log_records(srv)
