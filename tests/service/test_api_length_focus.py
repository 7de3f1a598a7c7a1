"""options.words and options.focus through the real API: honoured, and bad values named (422)."""

from __future__ import annotations

import pytest


def test_words_and_focus_are_honoured(server, seed_docs):
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": seed_docs,
                                          "options": {"words": 120, "focus": "Who controls the Russian border?"}})
    assert r.status_code == 200, r.text
    result = r.json()
    words = sum(len(s["text"].split()) for s in result["consolidated"])
    assert 108 <= words <= 132
    assert result["stats"]["words_requested"] == 120 and result["stats"]["words"] == words


@pytest.mark.parametrize("options, field", [
    ({"words": 5}, "options.words"),
    ({"words": "many"}, "options.words"),
    ({"focus": ""}, "options.focus"),
    ({"focus": "   "}, "options.focus"),
    ({"focus": "x" * 1001}, "options.focus"),
    ({"focus": "what\x00now"}, "options.focus"),
])
def test_bad_words_or_focus_is_a_422_naming_the_field(server, seed_docs, options, field):
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": seed_docs[:1], "options": options})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
