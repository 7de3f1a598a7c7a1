"""The synchronous summary is sent as compact JSON, the bytes Starlette's JSONResponse would send."""

from __future__ import annotations

import json


def test_summary_body_is_compact_json_as_before(server, seed_docs):
    # The route serializes the result model directly (pydantic-core); clients must see the same
    # bytes as json.dumps(..., ensure_ascii=False, separators=(",", ":")) of the result.
    docs = seed_docs + [{"id": "odd", "text": "Émigrés said “quoted” \\ and \t tabs with 漢字 and 😀 on Tuesday, officials said.\n"}]
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": docs})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    expected = json.dumps(r.json(), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    assert r.content == expected
