"""A job's data lifecycle through a real server and its SQLite file: DELETE of a finished job
removes its input and result from the file (and the WAL), DELETE of an unfinished one cancels
it, and the retention sweep deletes finished jobs after SUMMARIZER_RETENTION_DAYS."""

from __future__ import annotations

import time
import uuid

from tests.service.api_helpers import wait_status


def _doc(marker: str) -> list[dict]:
    text = (f"The harbor wall will be rebuilt from May by {marker}. Work starts in the north. "
            "The council approved the plan after a long debate about costs.")
    return [{"id": "a", "text": text}]


def _on_disk(srv, marker: str) -> bool:
    """Whether ``marker`` is anywhere in the job store's files (database, WAL)."""
    files = [srv.db_path, srv.db_path.with_name(srv.db_path.name + "-wal")]
    return any(marker.encode() in f.read_bytes() for f in files if f.exists())


def test_delete_of_a_finished_job_removes_its_data_from_the_file(make_server):
    srv = make_server().start()
    marker, kept = f"Marker{uuid.uuid4().hex}", f"Kept{uuid.uuid4().hex}"
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": _doc(marker)}).json()["id"]
        other = c.post("/v1/jobs", json={"documents": _doc(kept)}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
        wait_status(c, other, {"succeeded"})
        assert marker in c.get(f"/v1/jobs/{job_id}/result").text
        assert _on_disk(srv, marker)  # input and result are stored (so the check below can fail)
        r = c.delete(f"/v1/jobs/{job_id}")
        assert r.status_code == 200 and r.json() == {"id": job_id, "status": "deleted"}
        for path in (f"/v1/jobs/{job_id}", f"/v1/jobs/{job_id}/result", f"/v1/jobs/{job_id}/analysis"):
            assert c.get(path).status_code == 404, path
        assert c.delete(f"/v1/jobs/{job_id}").status_code == 404
        assert job_id not in [j["id"] for j in c.get("/v1/jobs").json()["data"]]
        assert not _on_disk(srv, marker)
        assert _on_disk(srv, kept) and c.get(f"/v1/jobs/{other}/result").status_code == 200


def test_delete_of_an_unfinished_job_cancels_it_then_deletes_it(server):
    marker = f"Marker{uuid.uuid4().hex}"
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": _doc(marker), "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
        assert c.delete(f"/v1/jobs/{job_id}").json() == {"id": job_id, "status": "cancelled"}
        analysis = c.get(f"/v1/jobs/{job_id}/analysis")
        assert analysis.status_code == 200 and marker in analysis.text  # the input is kept
        assert c.delete(f"/v1/jobs/{job_id}").json() == {"id": job_id, "status": "deleted"}
        assert c.get(f"/v1/jobs/{job_id}").status_code == 404
    assert not _on_disk(server, marker)


def test_delete_while_streaming_ends_the_stream_with_an_error(server):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": _doc("x"), "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
        c.delete(f"/v1/jobs/{job_id}")
        c.delete(f"/v1/jobs/{job_id}")
        assert c.get(f"/v1/jobs/{job_id}/events").status_code == 404


def test_retention_sweep_deletes_finished_jobs_only(make_server):
    # 0.00003 days = 2.6 s; the sweep runs every 0.3 s.
    srv = make_server(SUMMARIZER_RETENTION_DAYS="0.00003", SUMMARIZER_RETENTION_SWEEP_SECONDS="0.3",
                      SUMMARIZER_TEST_SLOW_SECONDS="3").start()
    done, running = f"Done{uuid.uuid4().hex}", f"Running{uuid.uuid4().hex}"
    with srv.client() as c:
        old = c.post("/v1/jobs", json={"documents": _doc(done)}).json()["id"]
        wait_status(c, old, {"succeeded"})
        docs = [dict(_doc(running)[0], id=f"d{i}") for i in range(4)]  # 4 sources x 3 s: still running
        slow = c.post("/v1/jobs", json={"documents": docs, "options": {"backend": "slow"}}).json()["id"]
        assert _on_disk(srv, done)
        deadline = time.monotonic() + 20
        while c.get(f"/v1/jobs/{old}").status_code != 404:
            assert time.monotonic() < deadline, "the finished job was not swept"
            time.sleep(0.2)
        assert c.get(f"/v1/jobs/{slow}").json()["status"] == "running"  # unfinished: never swept
        assert not _on_disk(srv, done)
        assert _on_disk(srv, running)
    log = srv.log_path.read_text()
    assert "deleted 1 finished jobs older than 3e-05 days" in log


def test_retention_zero_keeps_jobs(make_server):
    srv = make_server(SUMMARIZER_RETENTION_DAYS="0", SUMMARIZER_RETENTION_SWEEP_SECONDS="0.1").start()
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": _doc("kept")}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
        time.sleep(1.0)
        assert c.get(f"/v1/jobs/{job_id}").status_code == 200
