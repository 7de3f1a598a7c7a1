"""The input side of the contract: the documents a caller hands in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True, slots=True)
class Document:
    """One input document. ``text`` is the exact text all offsets index into."""

    id: str
    text: str
    title: str = ""
    path: Optional[str] = None
