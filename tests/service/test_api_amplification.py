"""Near-identical documents: the response grows with the number of documents, not its square."""

from __future__ import annotations

from collections import Counter

from tests.service.api_helpers import SEEDS
from tests.service.test_api_sync import check_citations

N = 200


def near_identical(n: int) -> list[dict]:
    base = SEEDS[0].read_text(encoding="utf-8")
    return [{"id": f"copy-{i:03d}", "text": f"Wire copy {i} of the agency report.\n\n{base}"} for i in range(n)]


def test_duplicates_are_cited_once_per_source(server):
    docs = near_identical(N)
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": docs})
    assert r.status_code == 200, r.text
    print(f"response for {N} near-identical documents ({len(r.request.content)} bytes): {len(r.content)} bytes")
    result = r.json()
    assert check_citations(result, {d["id"]: d["text"] for d in docs}) > 0
    for ps in result["per_source"]:
        assert ps["summary"]
        for s in ps["summary"]:  # a per-source summary cites its own source
            assert {c["source_id"] for c in s["citations"]} == {ps["source_id"]}, s
            assert len(s["citations"]) == 1
    for s in result["consolidated"]:  # the consolidated summary names each source once per sentence
        per_source = Counter(c["source_id"] for c in s["citations"])
        assert max(per_source.values()) == 1
    assert any(len(s["citations"]) == N for s in result["consolidated"])  # the shared text: every copy
    assert len(r.content) < 3_000_000, len(r.content)
