"""The input side of the contract: the documents a caller hands in."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True, slots=True)
class Document:
    """One input document. ``text`` is the exact text all offsets index into.

    ``page_starts`` (PDFs): where each page begins in ``text``, page 1 first; citations into such
    a document carry the page they start on.
    """

    id: str
    text: str
    title: str = ""
    path: Optional[str] = None
    page_starts: Optional[tuple[int, ...]] = None

    def page_at(self, offset: int) -> Optional[int]:
        """1-based page holding character ``offset``, or None for a document without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))
