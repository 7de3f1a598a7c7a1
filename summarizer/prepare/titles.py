"""A document's title: its first line that is not junk, when it looks like a headline. Pure."""

from __future__ import annotations

from typing import Iterator

from .newlines import as_lf
from .spans import JunkSpan


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    """Trimmed ``(start, end)`` of each non-blank line, lazily (the lines of ``cleaning._lines``): the
    title is in the first lines, so the text is not split whole."""
    text = as_lf(text)
    pos, n = 0, len(text)
    while pos <= n:
        stop = text.find("\n", pos)
        stop = n if stop < 0 else stop
        raw = text[pos:stop]
        body = raw.strip()
        if body:
            a = pos + len(raw) - len(raw.lstrip())
            yield a, a + len(body)
        pos = stop + 1


def guess_title(text: str, junk: list[JunkSpan]) -> str:
    """The first line that is not junk, when it looks like a headline."""
    bad = {(j.start, j.end) for j in junk}
    for a, b in _line_spans(text):
        if (a, b) in bad:
            continue
        line = text[a:b]
        if len(line.split()) <= 30 and not line.endswith("."):
            return line.lstrip("# ").strip()
        return ""
    return ""
