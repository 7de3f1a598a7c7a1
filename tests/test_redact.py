"""redact / redact_url: endpoints stay recognisable, their secrets do not survive."""

from __future__ import annotations

import pytest

from summarizer.errors import LLMUnavailable
from summarizer.redact import redact, redact_url


@pytest.mark.parametrize("url, shown", [
    ("http://admin:pw@127.0.0.1:8080/v1?token=SECRET", "http://***@127.0.0.1:8080/v1?***"),
    ("https://user:p@ss@api.example/v1", "https://***@api.example/v1"),
    ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
    ("https://h/openai/deployments/x?api-version=2024&api-key=SECRET", "https://h/openai/deployments/x?***"),
])
def test_redact_url(url, shown):
    assert redact_url(url) == shown
    assert redact(f"endpoint {url!r} failed: {url}.") == f"endpoint {shown!r} failed: {shown}."


def test_redact_url_without_scheme():
    assert redact_url("admin:pw@host:1/v1?token=SECRET") == "***@host:1/v1?***"


def test_text_without_urls_is_unchanged():
    text = "a:b@c ? d=e — ünïcode"
    assert redact(text) is text


def test_every_summarizer_error_is_redacted():
    exc = LLMUnavailable("LLM endpoint http://a:pw@h/v1?k=SECRET failed", field="x")
    assert str(exc) == "LLM endpoint http://***@h/v1?*** failed" and exc.field == "x"
