"""POST /v1/citations against a real server: same report as the CLI, errors naming the field."""

from __future__ import annotations


def test_citations_for_a_summary_text(server, seed_docs):
    summary = ("Russian troops were withdrawing from Kharkiv. Russian troops were not withdrawing from Kharkiv. "
               "Aliens have landed in Kyiv.")
    with server.client() as c:
        r = c.post("/v1/citations", json={"documents": seed_docs, "summary": summary})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [s["status"] for s in body["sentences"]] == ["supported", "contradicted", "unsupported"]
    assert (body["supported"], body["unsupported"], body["contradicted"]) == (1, 1, 1)
    texts = {d["id"]: d["text"] for d in seed_docs}
    cited = [c for s in body["sentences"] for c in s["citations"]]
    assert cited
    for c in cited:
        assert c["text"] == texts[c["source_id"]][c["start"]:c["end"]]


def test_citations_for_given_sentences_and_markdown(server, seed_docs):
    with server.client() as c:
        r = c.post("/v1/citations", params={"format": "markdown"},
                   json={"documents": seed_docs, "sentences": ["Kharkiv is Ukraine's second-largest city"]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/markdown") and "1 supported" in r.text


def test_bad_citation_requests_name_the_field(server, seed_docs):
    with server.client() as c:
        both = c.post("/v1/citations", json={"documents": seed_docs, "summary": "A.", "sentences": ["B."]})
        neither = c.post("/v1/citations", json={"documents": seed_docs})
        empty = c.post("/v1/citations", json={"documents": seed_docs, "summary": "  "})
        no_docs = c.post("/v1/citations", json={"documents": [], "summary": "Kharkiv."})
        unknown = c.post("/v1/citations", json={"documents": seed_docs, "summary": "x", "extra": 1})
    for r, field in ((both, "summary"), (neither, "summary"), (empty, "summary"), (no_docs, "documents")):
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == field
    assert unknown.status_code == 422


def test_too_many_sentences_is_413_naming_the_field(server, seed_docs):
    with server.client() as c:
        r = c.post("/v1/citations", json={"documents": seed_docs, "sentences": ["Kharkiv."] * 2001})
    assert r.status_code == 413 and r.json()["error"]["field"] == "sentences"
