"""Upstream credentials in SUMMARIZER_BASE_URL never reach a caller, a stored job error or the log."""

from __future__ import annotations

import pytest

from summarizer.testing.fake_openai import FakeOpenAIServer, Fault
from tests.service.api_helpers import free_port, wait_status

DOC = {"id": "a", "text": "The council approved the budget on Monday. The mayor praised the vote."}
SECRETS = ("pw", "SECRET")


def secret_url(port: int) -> str:
    return f"http://admin:pw@127.0.0.1:{port}/v1?token=SECRET"


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} shown in {where}: {text[:2000]}"


def failing_server(make_server, port: int):
    return make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=secret_url(port), SUMMARIZER_MODEL="m",
                       SUMMARIZER_MAX_RETRIES="1", SUMMARIZER_RETRY_MAX_WAIT="0.05",
                       SUMMARIZER_NO_CACHE="1").start()


def exercise(srv) -> None:
    """A sync request, a job and the readiness probe against a failing upstream: all must stay clean."""
    with srv.client() as c:
        r = c.post("/v1/summaries", json={"documents": [DOC]})
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "llm_unavailable"
        assert "127.0.0.1" in r.json()["error"]["message"]  # still says which endpoint failed
        assert_clean(r.text, "the 503 body")
        job_id = c.post("/v1/jobs", json={"documents": [DOC]}).json()["id"]
        job = wait_status(c, job_id, {"failed"})
        assert_clean(str(job["error"]), "the stored job error")
        assert_clean(c.get(f"/v1/jobs/{job_id}/result").text, "the job's result reply")
        assert_clean(c.get("/readyz").text, "the readiness reply")
    assert_clean(srv.log_path.read_text(), "the server log")


def test_dead_upstream_credentials_are_redacted(make_server):
    exercise(failing_server(make_server, free_port()))


def test_failing_upstream_credentials_are_redacted(make_server):
    with FakeOpenAIServer(default=Fault.SERVER_ERROR) as upstream:
        port = int(upstream.base_url.rsplit(":", 1)[1].split("/")[0])
        exercise(failing_server(make_server, port))
        assert upstream.calls >= 2  # the query string did not break the path: the 500s were reached


@pytest.mark.parametrize("url", ["ftp://admin:pw@127.0.0.1/v1?token=SECRET", "http://admin:pw@/v1?token=SECRET"])
def test_bad_endpoint_setting_is_redacted(make_server, url):
    srv = make_server(SUMMARIZER_BACKEND="openai", SUMMARIZER_BASE_URL=url, SUMMARIZER_MODEL="m").start()
    with srv.client() as c:
        r = c.post("/v1/summaries", json={"documents": [DOC]})
    assert r.status_code == 422, r.text
    assert "SUMMARIZER_BASE_URL" in r.json()["error"]["message"]
    assert_clean(r.text, "the config error")
    assert_clean(srv.log_path.read_text(), "the server log")
