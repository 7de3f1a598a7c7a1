"""Issue 15 item 12: a hung upstream no longer holds a request for half an hour.

The fake endpoint answers the first calls and then hangs (as a stuck model server does); with the
default 300 s timeout and 5 retries one call alone could take 30 minutes. The run's deadline stops
it: a 504 for a synchronous request, a failed job (input kept), both saying how far it got.
"""

from __future__ import annotations

import time

from summarizer.testing.fake_openai import Fault, FakeOpenAIServer
from tests.service.api_helpers import wait_status
from tests.service.test_api_disconnect import handler


def test_hung_upstream_sync_504_and_job_failed_with_what_was_done(make_server, seed_docs):
    with FakeOpenAIServer(handler, default=Fault.HANG, hang_seconds=120) as upstream:
        upstream.script(Fault.OK)  # one answer (a map call for the first three seeds, packed), then nothing
        srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=upstream.base_url, SUMMARIZER_MODEL="m",
                          SUMMARIZER_MAX_CONCURRENCY="1", SUMMARIZER_NO_CACHE="1",
                          SUMMARIZER_SYNC_DEADLINE_SECONDS="3", SUMMARIZER_JOB_DEADLINE_SECONDS="3").start()
        body = {"documents": seed_docs, "options": {"dedup_threshold": 1.0}}
        with srv.client() as c:
            started = time.monotonic()
            r = c.post("/v1/summaries", json=body)
            took = time.monotonic() - started
            assert r.status_code == 504, r.text
            assert took < 10, took
            err = r.json()["error"]
            assert err["code"] == "deadline_exceeded"
            assert "SUMMARIZER_SYNC_DEADLINE_SECONDS" in err["message"] and "stage 'map' (3 of 5)" in err["message"]

            job_id = c.post("/v1/jobs", json=body).json()["id"]
            job = wait_status(c, job_id, {"succeeded", "failed"}, timeout=15)
            assert job["status"] == "failed" and job["error"]["code"] == "deadline_exceeded", job
            assert "SUMMARIZER_JOB_DEADLINE_SECONDS" in job["error"]["message"]
            assert c.get(f"/v1/jobs/{job_id}/analysis").status_code == 200  # input kept
    assert '"status": 504' in srv.log_path.read_text()
