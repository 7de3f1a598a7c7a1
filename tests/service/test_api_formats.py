"""Result formats over HTTP: ?format=json|markdown|text on the sync call and a job's result."""

from __future__ import annotations

from summarizer.contract.result import SummaryResult
from summarizer.io.render_text import to_text
from tests.service.api_helpers import wait_status


def test_sync_call_in_plain_text_is_the_cli_renderer(server, seed_docs):
    body = {"documents": seed_docs[:3], "options": {"consolidated_sentences": 3}}
    with server.client() as c:
        as_json = c.post("/v1/summaries", json=body)
        as_text = c.post("/v1/summaries", params={"format": "text"}, json=body)
    assert as_text.status_code == 200, as_text.text
    assert as_text.headers["content-type"] == "text/plain; charset=utf-8"
    result = SummaryResult.model_validate(as_json.json())
    assert as_text.text == to_text(result)
    assert "[1]" in as_text.text


def test_job_result_in_every_format(server, seed_docs):
    with server.client() as c:
        job_id = c.post("/v1/jobs", json={"documents": seed_docs[:2]}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
        replies = {fmt: c.get(f"/v1/jobs/{job_id}/result", params={"format": fmt})
                   for fmt in ("json", "markdown", "text")}
        bad = c.get(f"/v1/jobs/{job_id}/result", params={"format": "xml"})
        bad_sync = c.post("/v1/summaries", params={"format": "html"}, json={"documents": seed_docs[:1]})
    assert {f: r.status_code for f, r in replies.items()} == {"json": 200, "markdown": 200, "text": 200}
    assert replies["json"].headers["content-type"] == "application/json"
    assert replies["markdown"].headers["content-type"].startswith("text/markdown")
    assert replies["text"].headers["content-type"] == "text/plain; charset=utf-8"
    assert replies["text"].text == to_text(SummaryResult.model_validate(replies["json"].json()))
    for r in (bad, bad_sync):
        assert r.status_code == 422 and r.json()["error"]["field"] == "format", r.text
