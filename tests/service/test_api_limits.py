"""Limits and bad input: 413 before parsing, 422 naming the field, all with the error body."""

from __future__ import annotations

import pytest

LIMITS = {"SUMMARIZER_MAX_REQUEST_BYTES": "20000", "SUMMARIZER_MAX_DOCUMENTS": "3",
          "SUMMARIZER_MAX_DOCUMENT_CHARS": "5000"}
TEXT = "The committee approved the proposal after a long debate on Thursday."


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    from tests.service.api_helpers import Server

    srv = Server(tmp_path_factory.mktemp("limits"), LIMITS).start()
    yield srv
    srv.stop()


def doc(i: int, text: str = TEXT) -> dict:
    return {"id": f"d{i}", "text": text}


def error_of(r, status: int) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] and err["message"]
    return err


@pytest.mark.parametrize("path", ["/v1/summaries", "/v1/jobs", "/v1/analysis"])
def test_body_too_large(limited, path):
    big = {"documents": [doc(0, "x" * 30000)]}
    with limited.client() as c:
        err = error_of(c.post(path, json=big), 413)
    assert err["code"] == "payload_too_large" and "20000" in err["message"]


def test_chunked_body_too_large(limited):
    def chunks():  # no Content-Length: the server must count while reading
        yield b'{"documents": [{"id": "a", "text": "'
        for _ in range(50):
            yield b"y" * 1000
        yield b'"}]}'

    with limited.client() as c:
        r = c.post("/v1/summaries", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert error_of(r, 413)["code"] == "payload_too_large"


def test_too_many_documents(limited):
    with limited.client() as c:
        err = error_of(c.post("/v1/summaries", json={"documents": [doc(i) for i in range(4)]}), 413)
    assert err["field"] == "documents" and "3" in err["message"]


def test_document_too_long(limited):
    with limited.client() as c:
        err = error_of(c.post("/v1/jobs", json={"documents": [doc(0), doc(1, "z " * 3000)]}), 413)
    assert err["field"] == "documents[1].text"


@pytest.mark.parametrize("body,field", [
    ({"documents": [doc(0), doc(0)]}, "documents[1].id"),
    ({"documents": [doc(0), doc(1, "  \n ")]}, "documents[1].text"),
    ({"documents": [{"id": " ", "text": TEXT}]}, "documents[0].id"),
    ({"documents": []}, "documents"),
    ({"documents": [doc(0)], "options": {"bogus": 1}}, "options.bogus"),
    ({"documents": [doc(0)], "extra": True}, "extra"),
    ({"documents": [{"id": "a", "text": TEXT, "author": "x"}]}, "documents[0].author"),
    ({"documents": [{"id": "a"}]}, "documents[0].text"),
    ({"documents": [doc(0)], "options": {"per_source_sentences": "many"}}, "options.per_source_sentences"),
    ({"documents": [doc(0)], "options": {"per_source_sentences": 0}}, "options.per_source_sentences"),
    ({"documents": [doc(0)], "options": {"backend": "nope"}}, "options.backend"),
    ({}, "documents"),
])
@pytest.mark.parametrize("path", ["/v1/summaries", "/v1/jobs"])
def test_bad_input_names_field(limited, path, body, field):
    with limited.client() as c:
        err = error_of(c.post(path, json=body), 422)
    assert err["field"] == field


def test_lone_surrogate_is_rejected(limited):
    raw = '{"documents": [{"id": "a", "text": "bad \\ud800 text here"}]}'
    with limited.client() as c:
        r = c.post("/v1/jobs", content=raw, headers={"content-type": "application/json"})
    assert error_of(r, 422)["field"] == "documents[0].text"


def test_invalid_json_and_bad_query(limited):
    with limited.client() as c:
        r = c.post("/v1/summaries", content=b"{not json", headers={"content-type": "application/json"})
        error_of(r, 422)
        r = c.post("/v1/summaries", params={"format": "pdf"}, json={"documents": [doc(0)]})
        assert error_of(r, 422)["field"] == "format"
