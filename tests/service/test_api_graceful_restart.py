"""Issue 15 item 7: graceful restarts (SIGTERM) hand a running job back without counting an attempt.

Only unclean deaths (kill -9, a crash) count toward the limit after which a job is failed
(test_api_crash.py); a deployment that restarts the service three times during one long job must
not lose that job.
"""

from __future__ import annotations

from tests.service.api_helpers import wait_status


def test_three_sigterm_restarts_during_one_job_then_it_finishes(make_server, seed_docs):
    srv = make_server(SUMMARIZER_TEST_SLOW_SECONDS="30").start()
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:1], "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
    for _ in range(3):
        srv.stop()  # SIGTERM: a clean shutdown
        assert srv.proc.returncode in (0, -15)  # uvicorn re-raises the signal after its clean shutdown
        srv.start()
        with srv.client() as c:
            assert wait_status(c, job_id, {"running", "failed"})["status"] == "running"
    srv.stop()
    srv.start(SUMMARIZER_TEST_SLOW_SECONDS="0.01")
    with srv.client() as c:
        job = wait_status(c, job_id, {"succeeded", "failed", "cancelled"})
        assert job["status"] == "succeeded", job
    log = srv.log_path.read_text()
    assert log.count('"message": "handed a running job back for the next start"') == 4
