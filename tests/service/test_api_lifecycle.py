"""Readiness and a graceful restart (SIGTERM) in the middle of a job."""

from __future__ import annotations

from summarizer.testing.fake_openai import FakeOpenAIServer
from tests.service.api_helpers import free_port, wait_status


def test_readyz_503_when_default_backend_unreachable(make_server):
    srv = make_server(SUMMARIZER_BACKEND="down").start()
    with srv.client() as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "llm_unavailable"
        assert c.get("/healthz").status_code == 200  # alive, just not ready


def test_readyz_200_for_default_backend(make_server):
    srv = make_server().start()
    with srv.client() as c:
        assert c.get("/readyz").json() == {"status": "ready", "backend": "extractive"}


def test_readyz_503_when_the_openai_endpoint_is_a_dead_port(make_server):
    """Bug 3: /readyz answered 200 for an endpoint nobody listens on, while every summary failed."""
    dead = f"http://127.0.0.1:{free_port()}/v1"
    srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=dead, SUMMARIZER_MODEL="m").start()
    with srv.client() as c:
        r = c.get("/readyz")
        assert r.status_code == 503, r.text
        error = r.json()["error"]
        assert error["code"] == "llm_unavailable"
        assert f"LLM endpoint {dead} is not reachable" in error["message"]


def test_readyz_200_when_the_openai_endpoint_answers(make_server):
    with FakeOpenAIServer() as upstream:
        srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=upstream.base_url,
                          SUMMARIZER_MODEL="m").start()
        with srv.client() as c:
            for _ in range(3):
                r = c.get("/readyz")
                assert r.status_code == 200, r.text
                assert r.json() == {"status": "ready", "backend": "openai"}
        assert upstream.model_list_calls == 1  # polled 3 times, asked once (cached a few seconds)
        assert upstream.calls == 0


def test_sigterm_during_job_resumes_after_restart(make_server, seed_docs):
    srv = make_server(SUMMARIZER_TEST_SLOW_SECONDS="1").start()
    with srv.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs, "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, job_id, {"running"})
    srv.stop()  # graceful: the job must not be marked cancelled or failed
    srv.start(SUMMARIZER_TEST_SLOW_SECONDS="0.01")
    with srv.client() as c:
        job = wait_status(c, job_id, {"succeeded", "failed", "cancelled"})
        assert job["status"] == "succeeded", job


def test_jobs_share_one_backend_under_the_running_limit(make_server, seed_docs):
    srv = make_server(SUMMARIZER_TEST_SLOW_SECONDS="0.3", SUMMARIZER_MAX_RUNNING_JOBS="2").start()
    with srv.client() as c:
        ids = [c.post("/v1/jobs", json={"documents": seed_docs[:3], "options": {"backend": "slow"}}).json()["id"]
               for _ in range(4)]
        for job_id in ids:
            assert wait_status(c, job_id, {"succeeded", "failed"})["status"] == "succeeded"
        stats = [c.get(f"/v1/jobs/{job_id}/result").json()["stats"] for job_id in ids]
    assert len({s["backend_instance"] for s in stats}) == 1  # one shared instance per process
    assert max(s["max_parallel"] for s in stats) == 2  # jobs overlapped, never more than the limit
