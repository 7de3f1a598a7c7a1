"""Two API processes and a worker on one PostgreSQL database: submit through A, stream and cancel
through B, while the worker runs the job."""

from __future__ import annotations

import json
import threading
import time

import httpx

from tests.service.api_helpers import read_sse, wait_status


def _submit(client: httpx.Client, docs: list[dict], backend: str = "slow") -> str:
    r = client.post("/v1/jobs", json={"documents": docs, "options": {"backend": backend}})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def test_submit_through_a_stream_and_read_through_b(cluster, seed_docs):
    a, b = cluster.api(SUMMARIZER_TEST_SLOW_SECONDS="0.3"), cluster.api()
    worker = cluster.worker(SUMMARIZER_TEST_SLOW_SECONDS="0.3")
    with a.client() as ca, b.client() as cb:
        job_id = _submit(ca, seed_docs)
        with cb.stream("GET", f"/v1/jobs/{job_id}/events") as resp:
            events = read_sse(resp)
        kinds = [e["event"] for e in events]
        # Live progress from the worker, relayed by B (LISTEN/NOTIFY), then the result.
        assert kinds.count("progress") >= 3 and kinds[-1] == "result", kinds
        stages = [json.loads(e["data"])["stage"] for e in events if e["event"] == "progress"]
        assert "summarize_source" in stages
        seqs = [int(e["id"]) for e in events]
        assert seqs == sorted(seqs)
        result = json.loads(events[-1]["data"])
        assert cb.get(f"/v1/jobs/{job_id}/result").json() == result
        assert ca.get(f"/v1/jobs/{job_id}").json()["status"] == "succeeded"
    texts = {d["id"]: d["text"] for d in seed_docs}
    for sentence in result["consolidated"]:
        for cit in sentence["citations"]:
            assert texts[cit["source_id"]][cit["start"]:cit["end"]] == cit["text"]
    assert '"message": "job started"' in worker.log()


def test_cancel_through_b_stops_the_job_on_the_worker(cluster, seed_docs):
    a, b = cluster.api(), cluster.api()
    worker = cluster.worker(SUMMARIZER_TEST_SLOW_SECONDS="2")
    with a.client() as ca, b.client() as cb:
        job_id = _submit(ca, seed_docs)
        wait_status(ca, job_id, {"running"}, timeout=30)
        streamed: list[dict] = []

        def stream_from_a() -> None:
            with a.client() as c, c.stream("GET", f"/v1/jobs/{job_id}/events") as resp:
                streamed.extend(read_sse(resp))

        reader = threading.Thread(target=stream_from_a)
        reader.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        r = cb.delete(f"/v1/jobs/{job_id}")
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        reader.join(15)
        assert not reader.is_alive()
        assert streamed[-1]["event"] == "error" and json.loads(streamed[-1]["data"])["code"] == "cancelled"
        assert time.monotonic() - t0 < 5  # pushed to A, not found by a slow poll
        # The worker stopped working on it (abort via NOTIFY), and the job stays cancelled.
        deadline = time.monotonic() + 15
        while '"message": "job stopped' not in worker.log() and "Aborted" not in worker.log():
            assert time.monotonic() < deadline, worker.log()[-2000:]
            time.sleep(0.1)
        time.sleep(1)
        job = ca.get(f"/v1/jobs/{job_id}").json()
        assert job["status"] == "cancelled"
        assert ca.get(f"/v1/jobs/{job_id}/result").status_code == 409


def test_cancel_while_queued_never_runs(cluster, seed_docs):
    a, b = cluster.api(), cluster.api()
    with a.client() as ca, b.client() as cb:
        job_id = _submit(ca, seed_docs[:1])
        assert cb.delete(f"/v1/jobs/{job_id}").json()["status"] == "cancelled"
        worker = cluster.worker()
        time.sleep(3)
        assert ca.get(f"/v1/jobs/{job_id}").json()["status"] == "cancelled"
        assert '"message": "job started"' not in worker.log()


def _queue_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("summarizer_queue{", "summarizer_jobs{"))]


def test_metrics_show_queue_depth_running_jobs_and_workers(cluster, seed_docs):
    a = cluster.api()
    with a.client() as ca:
        ids = [_submit(ca, seed_docs[:1]) for _ in range(3)]
        time.sleep(0.5)
        lines = _queue_lines(ca.get("/metrics").text)
        assert 'summarizer_queue{measure="queue_depth"} 3.0' in lines, lines
        assert 'summarizer_queue{measure="workers"} 0.0' in lines, lines
        # The first job must still run when the metrics are read, however slow the machine: a long
        # pause, ended by cancelling every job afterwards.
        cluster.worker(concurrency=1, SUMMARIZER_TEST_SLOW_SECONDS="60")
        wait_status(ca, ids[0], {"running"}, timeout=30)
        lines = _queue_lines(ca.get("/metrics").text)
        assert 'summarizer_queue{measure="running"} 1.0' in lines, lines
        assert 'summarizer_queue{measure="queue_depth"} 2.0' in lines, lines
        assert 'summarizer_queue{measure="workers"} 1.0' in lines, lines
        assert 'summarizer_jobs{state="running"} 1.0' in lines, lines
        for job_id in ids:
            assert ca.delete(f"/v1/jobs/{job_id}").json()["status"] == "cancelled"


def test_serve_with_worker_runs_jobs_in_process(cluster, seed_docs):
    api = cluster.api(SUMMARIZER_WITH_WORKER="true", SUMMARIZER_TEST_SLOW_SECONDS="0.1")
    with api.client() as c:
        job_id = _submit(c, seed_docs)
        assert wait_status(c, job_id, {"succeeded", "failed"}, timeout=60)["status"] == "succeeded"
        assert 'summarizer_queue{measure="workers"} 1.0' in c.get("/metrics").text
    api.stop()  # SIGTERM: uvicorn shuts down, which drains the in-process worker
    assert '"message": "worker stopped"' in api.log_path.read_text()
