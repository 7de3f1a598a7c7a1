"""Examples in the OpenAPI spec: a real request and the result the extractive backend gives for it.

``RESULT`` is what ``POST /v1/summaries`` answers for ``REQUEST`` (a test re-runs it and checks
that every citation holds), so the example a generated client shows is true, not made up.
"""

from __future__ import annotations

from typing import Any

_A = ("The harbor wall will be rebuilt from May. The council approved 4.2 million euros for the work. "
      "Boats will moor at the north pier meanwhile.")
_B = "Work on the harbor wall starts in June. The north pier stays open to boats during the works."

REQUEST: dict[str, Any] = {
    "documents": [{"id": "a", "title": "Harbor works", "text": _A},
                  {"id": "b", "title": "Port notice", "text": _B}],
    "options": {"backend": "extractive", "per_source_sentences": 1, "consolidated_sentences": 2},
}


def _sentence(source_id: str, text: str, start: int) -> dict[str, Any]:
    return {"text": text, "citations": [{"source_id": source_id, "start": start, "end": start + len(text),
                                         "text": text}]}


RESULT: dict[str, Any] = {
    "schema_version": 1,
    "sources": [
        {"id": "a", "title": "Harbor works", "path": None,
         "sha256": "448c4590e9fef2e7604068d0084361e858e80407a83446589bf5a07961434e76", "chars": len(_A)},
        {"id": "b", "title": "Port notice", "path": None,
         "sha256": "f248e8a132641a736df160bf0ce5e441b0289d1cdb746e9e7437c3f22f4e59cd", "chars": len(_B)},
    ],
    "per_source": [
        {"source_id": "a", "summary": [_sentence("a", "The harbor wall will be rebuilt from May.", 0)]},
        {"source_id": "b", "summary": [_sentence("b", "Work on the harbor wall starts in June.", 0)]},
    ],
    "consolidated": [
        _sentence("b", "Work on the harbor wall starts in June.", 0),
        _sentence("a", "The harbor wall will be rebuilt from May.", 0),
    ],
    "conflicts": [],
    "stats": {"backend": "extractive", "model": None, "llm_calls": 0, "prompt_tokens": 0, "completion_tokens": 0,
              "source_tokens": 53, "deduped_tokens": 53, "seconds": 0.01},
}

JOB_ID = "3f2b9c1e8a7d4e6f9b0c1d2e3f4a5b6c"
_BASE = f"/v1/jobs/{JOB_ID}"
JOB_CREATED: dict[str, Any] = {"id": JOB_ID, "status": "queued", "created_at": "2026-12-02T10:15:00.123Z",
                               "links": {"self": _BASE, "result": f"{_BASE}/result", "events": f"{_BASE}/events"}}
JOB: dict[str, Any] = {"id": JOB_ID, "title": "Harbor works (+1 more)", "status": "running",
                       "progress": {"stage": "summarize_source", "done": 1, "total": 2, "fraction": 0.5,
                                    "source_id": "a"},
                       "error": None, "created_at": "2026-12-02T10:15:00.123Z", "updated_at": "2026-12-02T10:15:01.456Z"}
JOB_LIST: dict[str, Any] = {"data": [JOB], "next": "WyIyMDI2LTEyLTAyVDEwOjE1OjAwLjEyM1oiLCIzZjJiIl0"}
ERROR: dict[str, Any] = {"error": {"code": "validation_error", "message": "documents[1].id: duplicate document id 'a'",
                                   "field": "documents[1].id"}}

__all__ = ["ERROR", "JOB", "JOB_CREATED", "JOB_ID", "JOB_LIST", "REQUEST", "RESULT"]
