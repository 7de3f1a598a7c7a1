"""Visible text of an HTML page (pure). The page is parsed by an HTML5 parser (selectolax's Lexbor
engine: the tree a browser builds, so unclosed ``<p>``/``<li>``/``<td>`` and misnested tags end where
a browser ends them). Block elements become line breaks, so the cleaning and segmentation rules for
scraped text apply unchanged; table cells of a row are separated by a tab (as in DOCX text, so
"Cost" and "4.2m" never run together); ``<pre>`` keeps its line breaks. Scripts, styles and hidden
parts (``hidden`` attribute, inline ``display:none`` / ``visibility:hidden``) are dropped.
Whitespace runs, ``&nbsp;`` included, become one space: a quote written with ordinary spaces then
matches the text exactly. Offsets index the extracted text, which is what the result calls the
document's text; the web page uploads HTML to the server so the CLI and the page share this code.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SKIP = {"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "select",
         "textarea"}
_BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "thead",
    "tbody", "tfoot", "caption", "article", "header", "footer", "nav", "aside", "blockquote", "figure",
    "figcaption", "pre", "hr", "dd", "dt", "dl", "main", "form", "fieldset", "legend", "details", "summary",
    "address",
}
_LINE = {"br", "li", "tr", "dt", "dd"}  # a single line break instead of a blank line
_CELL = {"td", "th"}
_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)",
                           re.IGNORECASE)
_OPEN, _CLOSE = 0, 1


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


class _Text:
    """The text being built: inline text, line breaks and cell tabs, tidied line by line at the end."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pre = 0  # depth of open <pre> elements: their whitespace is kept

    def text(self, data: str) -> None:
        if self.pre:
            self.parts.append(data.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " "))
        else:
            self.parts.append(_SPACE.sub(" ", data))

    def open(self, tag: str) -> None:
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self.parts.append("\n" if tag in _LINE else "\n\n")
        elif tag == "br":
            self.parts.append("\n")

    def close(self, tag: str) -> None:
        if tag == "pre":
            self.pre -= 1
        if tag in _BLOCK and tag not in _LINE:  # a line's break comes before it: no blank line after
            self.parts.append("\n\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def result(self) -> str:
        lines = []
        for line in "".join(self.parts).split("\n"):
            line = re.sub(r" *\t *", "\t", re.sub(r" {2,}", " ", line)).strip(" \t")
            lines.append(line)
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _walk(root: LexborNode, out: _Text) -> None:
    """Depth-first over the tree with an explicit stack (deeply nested pages exceed Python's recursion)."""
    stack: list[tuple[int, LexborNode]] = [(_OPEN, child) for child in reversed(list(root.iter(include_text=True)))]
    while stack:
        kind, node = stack.pop()
        tag = node.tag
        if kind == _CLOSE:
            out.close(tag)
        elif tag == "-text":
            out.text(node.text_content or "")
        elif tag.startswith("-") or tag in _SKIP or _hidden(node):
            continue  # comments, doctype; invisible elements
        else:
            out.open(tag)
            stack.append((_CLOSE, node))
            stack.extend((_OPEN, child) for child in reversed(list(node.iter(include_text=True))))


def html_to_text(markup: str) -> tuple[str, str]:
    """``(title, text)`` of an HTML document."""
    tree = LexborHTMLParser(markup)
    title_node = tree.css_first("head > title") or tree.css_first("title")
    title = " ".join(title_node.text(deep=True).split()) if title_node is not None else ""
    out = _Text()
    if tree.body is not None:
        _walk(tree.body, out)
    return title, out.result()
