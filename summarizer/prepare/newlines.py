"""Every newline convention seen as ``\\n``, without moving a single offset.

Cleaning and segmentation read a text's lines. Texts arrive with ``\\r\\n`` (Windows), a lone
``\\r`` (classic Mac, some exports), Unicode line and paragraph separators (U+2028, U+2029: word
processors, PDF extraction), NEL (U+0085), vertical tab and form feed. Read as one long line, a
whole document used to share the fate of its one junk line ("disclaimer") or of its first words.

``as_lf(text)`` is a copy of the same length in which every line break is ``\\n``, so every offset
found in it indexes ``text`` itself; spans are trimmed of whitespace, and only whitespace changes:

* a lone ``\\r`` and the one-character breaks (VT, FF, NEL, U+2028) become ``\\n``;
* ``\\r\\n`` becomes ``\\n\\r``: one line break, the ``\\r`` left as leading whitespace of the next
  line, so what ends the line (a comma that joins it to the next) is seen as with ``\\n``;
* paragraph separators (U+2029 and the information separators FS, GS, RS) become ``\\n``, and
  ``paragraph_breaks(text)`` lists where they are: each counts as a blank line.
"""

from __future__ import annotations

import re

LINE_BREAKS = "\r\x0b\x0c\x85\u2028"
PARAGRAPH_BREAKS = "\x1c\x1d\x1e\u2029"
_ONE_CHAR = str.maketrans({c: "\n" for c in LINE_BREAKS[1:] + PARAGRAPH_BREAKS})
_LONE_CR = re.compile(r"\r(?!\n)")
_PARAGRAPH = re.compile(f"[{PARAGRAPH_BREAKS}]")


def has_odd_breaks(text: str) -> bool:
    """Whether ``text`` has a line break other than ``\\n`` (a few fast substring scans)."""
    breaks = LINE_BREAKS + PARAGRAPH_BREAKS if not text.isascii() else "\r\x0b\x0c\x1c\x1d\x1e"
    return any(c in text for c in breaks)


def as_lf(text: str) -> str:
    """``text`` with every line break made ``\\n``, same length, same offsets (see the module doc)."""
    if not has_odd_breaks(text):
        return text
    if "\r" in text:
        text = _LONE_CR.sub("\n", text).replace("\r\n", "\n\r")
    return text.translate(_ONE_CHAR)


def paragraph_breaks(text: str) -> frozenset[int]:
    """Offsets of the paragraph separators in ``text`` (empty for nearly every text)."""
    if not any(c in text for c in PARAGRAPH_BREAKS):
        return frozenset()
    return frozenset(m.start() for m in _PARAGRAPH.finditer(text))


__all__ = ["LINE_BREAKS", "PARAGRAPH_BREAKS", "as_lf", "has_odd_breaks", "paragraph_breaks"]
