"""Any language and any newline convention yields a summary with exact citations, or a clear 422."""

from __future__ import annotations

import pytest

from tests.multilingual import NEWLINE_STYLES, TEXTS
from tests.service.api_helpers import SEEDS
from tests.service.test_api_sync import check_citations


def summarize(server, text: str, doc_id: str = "d") -> dict:
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": [{"id": doc_id, "text": text}]})
    assert r.status_code == 200, r.text
    result = r.json()
    assert check_citations(result, {doc_id: text}) > 0
    return result


@pytest.mark.parametrize("style", NEWLINE_STYLES)
@pytest.mark.parametrize("lang", TEXTS)
def test_every_language_and_newline_style_is_summarized(server, lang, style):
    text = NEWLINE_STYLES[style](TEXTS[lang])
    result = summarize(server, text)
    summary = result["per_source"][0]["summary"]
    assert len(summary) == 3, summary  # three paragraphs of news: three sentences asked, three given
    assert len(result["consolidated"]) >= 3
    # Sentences, not whole paragraphs: segmentation found the sentence ends of the script.
    assert all(len(c["text"]) < 200 for s in summary for c in s["citations"])


@pytest.mark.parametrize("style", [s for s in NEWLINE_STYLES if s != "lf"])
def test_seed_junk_is_the_same_in_every_newline_style(server, style):
    """A seed with its lines ended otherwise: same junk spans, same summary (it was one long
    "disclaimer" line with a lone CR), offsets into the submitted text."""
    seed = next(p for p in SEEDS if "aggregator" in p.read_text(encoding="utf-8"))
    lf = seed.read_text(encoding="utf-8")
    other = NEWLINE_STYLES[style](lf)
    with server.client() as c:
        analyses = [c.post("/v1/analysis", json={"documents": [{"id": "d", "text": t}]}).json() for t in (lf, other)]
    junk_texts = [[(t[j["start"]:j["end"]], j["reason"]) for j in a["sources"][0]["junk"]]
                  for t, a in zip((lf, other), analyses)]
    assert junk_texts[0] and junk_texts[1] == junk_texts[0]
    summaries = [[s["text"] for s in summarize(server, t)["per_source"][0]["summary"]] for t in (lf, other)]
    assert summaries[1] == summaries[0]
    assert not any("aggregator" in s for s in summaries[1])


def test_text_that_is_all_page_clutter_is_a_clear_422(server):
    text = "Share on Facebook\r\nRead more\r\nSubscribe to our newsletter\r\n"
    with server.client() as c:
        r = c.post("/v1/summaries", json={"documents": [{"id": "d", "text": text}]})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == "documents" and "nothing to summarize" in err["message"]
    assert "navigation" in err["message"]
