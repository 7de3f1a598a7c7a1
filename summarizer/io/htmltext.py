"""Visible text of an HTML page (pure). Block elements become line breaks, so the cleaning and
segmentation rules for scraped text apply unchanged; scripts, styles and hidden parts are dropped.
Offsets index the extracted text, which is what the result calls the document's text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "nav", "aside", "blockquote", "figure", "figcaption", "pre", "hr",
    "dd", "dt", "dl", "main", "form", "title",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False
        # Elements with a ``hidden`` attribute: (tag, how many of that tag were open at its start),
        # so the skip ends at *its* end tag, not at the first end tag of any kind.
        self.hidden: list[tuple[str, int]] = []
        self.open: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP and tag not in _VOID:
            self.skip += 1
        if tag == "title":
            self.in_title = True
        if tag not in _VOID:
            self.open[tag] = self.open.get(tag, 0) + 1
            if any(k == "hidden" for k, _ in attrs):
                self.skip += 1
                self.hidden.append((tag, self.open[tag]))
        if tag in _BLOCK:
            self.parts.append("\n\n" if tag not in ("br", "li", "tr") else "\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if self.open.get(tag):
            if self.hidden and self.hidden[-1] == (tag, self.open[tag]):
                self.hidden.pop()
                self.skip -= 1
            self.open[tag] -= 1
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
            return
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(markup: str) -> tuple[str, str]:
    """``(title, text)`` of an HTML document."""
    p = _Extractor()
    p.feed(markup)
    p.close()
    raw = "".join(p.parts)
    lines = [ln.strip() for ln in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return html.unescape(" ".join("".join(p.title).split())), text
