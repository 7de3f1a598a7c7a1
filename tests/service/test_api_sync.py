"""POST /v1/summaries and the small endpoints, against a real server."""

from __future__ import annotations

import hashlib


def check_citations(result: dict, texts: dict[str, str]) -> int:
    n = 0
    sentences = [s for ps in result["per_source"] for s in ps["summary"]] + result["consolidated"] + result["conflicts"]
    for s in sentences:
        assert s["citations"], s
        for c in s["citations"]:
            assert c["text"] == texts[c["source_id"]][c["start"]:c["end"]]
            n += 1
    return n


def test_sync_summary_cites_submitted_text(server, seed_docs):
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": seed_docs, "options": {"consolidated_sentences": 4}})
    assert r.status_code == 200, r.text
    result = r.json()
    texts = {d["id"]: d["text"] for d in seed_docs}
    assert [s["id"] for s in result["sources"]] == list(texts)
    for s in result["sources"]:
        assert s["sha256"] == hashlib.sha256(texts[s["id"]].encode()).hexdigest()
    assert 0 < len(result["consolidated"]) <= 4
    assert check_citations(result, texts) > 0
    assert result["stats"]["backend"] == "extractive"


def test_offsets_index_non_ascii_and_crlf_text_exactly(server):
    text = "Überall “Zitate” — naïve café.\r\nThe city council approved the new budget on Monday evening.\r\n" \
           "The mayor said the budget would fund three new schools and a hospital wing.\r\n"
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": [{"id": "d", "text": text, "title": "T"}]})
    assert r.status_code == 200, r.text
    assert check_citations(r.json(), {"d": text}) > 0


def test_markdown_format(server, seed_docs):
    with server.client() as c:
        r = c.post("/v1/summaries", params={"format": "markdown"}, json={"documents": seed_docs[:2]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith("# Summary") and "[^1]:" in r.text


def test_request_id_in_and_out(server):
    with server.client() as c:
        r = c.get("/v1/backends", headers={"X-Request-ID": "abc-123"})
        assert r.headers["x-request-id"] == "abc-123"
        generated = c.get("/v1/backends").headers["x-request-id"]
        assert generated and generated != "abc-123"
        unsafe = c.get("/v1/backends", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"]
        assert " " not in unsafe
    lines = server.log_path.read_text()
    assert '"request_id": "abc-123"' in lines


def test_backends_health_ready_metrics_openapi(server, seed_docs):
    with server.client() as c:
        b = c.get("/v1/backends").json()
        assert b["default"] == "extractive" and {"extractive", "slow"} <= set(b["backends"])
        assert c.get("/healthz").json() == {"status": "ok"}
        assert c.get("/readyz").status_code == 200
        c.post("/v1/summaries", json={"documents": seed_docs[:1]})
        m = c.get("/metrics")
        assert m.status_code == 200
        assert 'summarizer_http_requests_total{method="POST",route="/v1/summaries",status="200"}' in m.text
        assert "summarizer_http_request_seconds_bucket" in m.text
        assert 'summarizer_jobs{state="queued"}' in m.text
        assert 'summarizer_tokens_total{backend="extractive",kind="source"}' in m.text
        spec = c.get("/openapi.json").json()
        assert "/v1/jobs/{job_id}/events" in spec["paths"]
        assert c.get("/docs").status_code == 200


def test_unknown_route_has_error_body(server):
    with server.client() as c:
        r = c.get("/v1/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_analysis_reports_duplicates_and_junk(server):
    shared = "The central bank raised interest rates by half a percentage point on Tuesday."
    docs = [
        {"id": "a", "text": f"Markets fell sharply after the announcement in the morning. {shared} Traders were surprised."},
        {"id": "b", "text": f"{shared} Economists had expected a smaller move from the bank this month."},
    ]
    with server.client() as c:
        r = c.post("/v1/analysis", json={"documents": docs})
    assert r.status_code == 200, r.text
    body = r.json()
    texts = {d["id"]: d["text"] for d in docs}
    assert [s["id"] for s in body["sources"]] == ["a", "b"]
    assert all(s["text"] == texts[s["id"]] for s in body["sources"])
    for s in body["sources"]:
        for j in s["junk"]:
            assert 0 <= j["start"] < j["end"] <= len(s["text"]) and j["reason"]
    group = next(g for g in body["duplicate_groups"] if {o["source_id"] for o in g} == {"a", "b"})
    for occ in group:
        assert texts[occ["source_id"]][occ["start"]:occ["end"]] == shared
