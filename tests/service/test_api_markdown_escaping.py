"""Issue 15 item 14: ``?format=markdown`` escapes what comes from the request.

Before: ``<script>``, ``<img onerror>``, ``javascript:`` links and ids with newlines (fake
headings) went straight into the Markdown. The check renders the reply with a real CommonMark
renderer (markdown-it-py, HTML allowed as CommonMark allows it) and looks at the HTML a page would get.
"""

from __future__ import annotations

import re

import pytest

markdown_it = pytest.importorskip("markdown_it")

EVIL_ID = "<script>alert(1)</script>\n# Fake heading"
EVIL_TITLE = "<img src=x onerror=alert(2)> `title`"
EVIL_TEXT = ("The council said <img src=x onerror=alert(3)> the harbor wall will be rebuilt from May this year. "
             "Residents can read the plan at [the city site](javascript:alert(4)) or <javascript:alert(5)> today. "
             "The mayor told reporters that work costs 4.2 million euros and ends in the autumn of next year.")
DOCS = [{"id": EVIL_ID, "title": EVIL_TITLE, "text": EVIL_TEXT},
        {"id": "second`doc", "text": "# Not a heading. " + EVIL_TEXT.replace("council", "city council")}]


def html_of(markdown: str) -> str:
    return markdown_it.MarkdownIt("commonmark").render(markdown)


def assert_inert(markdown: str, headings: list[str]) -> None:
    # markdown-it refuses javascript: links itself; other renderers do not, so check the source too.
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown), markdown
    html = html_of(markdown)
    assert "<script" not in html and "<img" not in html, html
    assert "javascript:" not in " ".join(re.findall(r'href="[^"]*"', html)), html
    assert re.findall(r"<h(\d)>", html) == headings, html


def test_summary_markdown_is_inert(server):
    with server.client() as c:
        r = c.post("/v1/summaries", params={"format": "markdown"}, json={"documents": DOCS})
    assert r.status_code == 200, r.text
    assert "onerror" in r.text and "alert(4)" in r.text  # the text is kept, as text
    assert_inert(r.text, ["1", "2", "2", "3", "3"])  # Summary, Conflicts, Per source, 2 sources


def test_citations_markdown_is_inert(server):
    summary = "The harbor wall will be rebuilt from May this year. <img src=x onerror=alert(6)> [x](javascript:alert(7))"
    with server.client() as c:
        r = c.post("/v1/citations", params={"format": "markdown"}, json={"documents": DOCS, "summary": summary})
    assert r.status_code == 200, r.text
    assert_inert(r.text, ["1"])
