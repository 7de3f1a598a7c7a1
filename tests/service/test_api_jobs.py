"""Job lifecycle over HTTP: 202, progress, SSE, result, cancel, late subscribers."""

from __future__ import annotations

import json
import time

from tests.service.api_helpers import read_sse, wait_status


def test_job_lifecycle_with_sse(server, seed_docs):
    with server.client() as c:
        r = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}})
        assert r.status_code == 202, r.text
        created = r.json()
        job_id = created["id"]
        assert created["status"] == "queued" and created["created_at"]
        assert created["links"] == {"self": f"/v1/jobs/{job_id}", "result": f"/v1/jobs/{job_id}/result",
                                    "events": f"/v1/jobs/{job_id}/events"}
        assert c.get(f"/v1/jobs/{job_id}/result").status_code == 409  # not finished yet
        with c.stream("GET", created["links"]["events"]) as s:
            assert s.headers["content-type"].startswith("text/event-stream")
            events = read_sse(s)
        final = c.get(f"/v1/jobs/{job_id}").json()
        result = c.get(f"/v1/jobs/{job_id}/result")
        md = c.get(f"/v1/jobs/{job_id}/result", params={"format": "markdown"})

    names = [e["event"] for e in events]
    assert names[-1] == "result" and set(names[:-1]) == {"progress"}
    progress = [json.loads(e["data"]) for e in events[:-1]]
    stages = [p["stage"] for p in progress]
    per_source = [p for p in progress if p["stage"] == "summarize_source"]
    assert len(per_source) >= 2, stages  # the slow backend reports each source while the stream is open
    assert {p["source_id"] for p in per_source} <= {d["id"] for d in seed_docs}
    fractions = [p["fraction"] for p in progress]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids)

    assert final["status"] == "succeeded" and final["error"] is None
    assert final["progress"]["fraction"] == 1.0
    assert result.status_code == 200
    assert json.loads(events[-1]["data"]) == result.json()
    assert [s["id"] for s in result.json()["sources"]] == [d["id"] for d in seed_docs]
    assert md.headers["content-type"].startswith("text/markdown")


def test_late_subscriber_gets_state_then_result(server, seed_docs):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:2]}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
        with c.stream("GET", f"/v1/jobs/{job_id}/events") as s:
            events = read_sse(s)
        result = c.get(f"/v1/jobs/{job_id}/result").json()
    assert [e["event"] for e in events] == ["progress", "result"]
    assert json.loads(events[0]["data"])["fraction"] == 1.0
    assert json.loads(events[1]["data"]) == result


def test_progress_is_visible_while_running(server, seed_docs):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}}).json()["id"]
        deadline = time.monotonic() + 30
        job = {}
        while time.monotonic() < deadline:
            job = c.get(f"/v1/jobs/{job_id}").json()
            if job["progress"]["stage"] == "summarize_source":
                break
            time.sleep(0.05)
        assert job["status"] == "running"
        p = job["progress"]
        assert 1 <= p["done"] <= p["total"] == len(seed_docs) and 0 < p["fraction"] < 1
        c.delete(f"/v1/jobs/{job_id}")


def test_cancel_running_job(server, seed_docs):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
        with c.stream("GET", f"/v1/jobs/{job_id}/events") as s:
            r = c.delete(f"/v1/jobs/{job_id}")  # while the stream is open
            events = read_sse(s)
        assert r.status_code == 200 and r.json() == {"id": job_id, "status": "cancelled"}
        job = c.get(f"/v1/jobs/{job_id}").json()
        assert job["status"] == "cancelled"
        res = c.get(f"/v1/jobs/{job_id}/result")
        assert res.status_code == 409 and res.json()["error"]["code"] == "cancelled"
        time.sleep(1.0)  # the slow backend would have finished a source by now if it kept running
        assert c.get(f"/v1/jobs/{job_id}").json()["status"] == "cancelled"
        again = c.delete(f"/v1/jobs/{job_id}")  # now finished: a second DELETE deletes it
        assert again.json()["status"] == "deleted"
    assert events[-1]["event"] == "error"
    assert json.loads(events[-1]["data"])["code"] == "cancelled"


def test_delete_finished_job_deletes_it(server, seed_docs):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:1]}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
        r = c.delete(f"/v1/jobs/{job_id}")
        assert r.json() == {"id": job_id, "status": "deleted"}
        assert c.get(f"/v1/jobs/{job_id}/result").status_code == 404


def test_failed_job_reports_error(server):
    # Passes the API's checks, but cleaning takes the only line for page clutter: the pipeline fails.
    docs = [{"id": "a", "text": "Copyright 2024. All rights reserved."}]
    with server.client() as c:
        r = c.post("/v1/jobs", json={"documents": docs})
        assert r.status_code == 202
        job = wait_status(c, r.json()["id"], {"failed", "succeeded"})
        assert job["status"] == "failed"
        assert job["error"]["code"] and job["error"]["message"]
        res = c.get(f"/v1/jobs/{job['id']}/result")
        assert res.status_code == 409 and res.json()["error"] == job["error"]
        with c.stream("GET", f"/v1/jobs/{job['id']}/events") as s:
            events = read_sse(s)
        assert events[-1]["event"] == "error" and json.loads(events[-1]["data"]) == job["error"]


def test_unknown_job_is_404(server):
    with server.client() as c:
        for method, path in [("GET", ""), ("GET", "/result"), ("GET", "/events"), ("DELETE", ""), ("GET", "/analysis")]:
            r = c.request(method, f"/v1/jobs/doesnotexist{path}")
            assert r.status_code == 404, (method, path)
            assert r.json()["error"]["code"] == "job_not_found"


def test_job_analysis_uses_stored_input(server, seed_docs):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:2]}).json()["id"]
        body = c.get(f"/v1/jobs/{job_id}/analysis").json()
    assert [(s["id"], s["text"]) for s in body["sources"]] == [(d["id"], d["text"]) for d in seed_docs[:2]]


def test_cancel_endpoint_cancels_a_running_job_and_never_deletes_a_finished_one(server, seed_docs):
    with server.client() as c:
        running = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, running, {"running"})
        r = c.post(f"/v1/jobs/{running}/cancel")
        assert r.status_code == 200 and r.json() == {"id": running, "status": "cancelled"}
        assert c.get(f"/v1/jobs/{running}").json()["status"] == "cancelled"
        done = c.post("/v1/jobs", json={"documents": seed_docs[:1]}).json()["id"]
        wait_status(c, done, {"succeeded"})
        late = c.post(f"/v1/jobs/{done}/cancel")  # a click that arrives just after the job finished
        assert late.status_code == 200 and late.json() == {"id": done, "status": "succeeded"}
        assert c.get(f"/v1/jobs/{done}/result").status_code == 200  # the result is still there
        assert c.post("/v1/jobs/nope/cancel").status_code == 404
