"""The input side of the contract: the documents a caller hands in."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Optional, Sequence

from ..errors import DocumentError


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


def check_unicode(doc: Document, where: str) -> None:
    """Raise a DocumentError naming ``where.field`` when the id, title or text cannot be written as
    UTF-8: lone surrogates, which JSON escapes such as "\\ud800" can carry, would fail every hash,
    reply and file written later, after the work was done."""
    for name, value in (("id", doc.id), ("text", doc.text), ("title", doc.title)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DocumentError(f"{where}.{name}: not valid Unicode (a lone surrogate, U+{ord(value[exc.start]):04X}, "
                                f"at character {exc.start})", field=f"{where}.{name}") from exc


def check_documents_unicode(documents: Sequence[Document]) -> None:
    for i, doc in enumerate(documents):
        check_unicode(doc, f"documents[{i}]")


def documents_label(documents: Sequence[dict], limit: int = 100) -> str:
    """A label for a set of documents (``{"title"?, "text"}`` records) in lists: the first one's
    title, else its opening words, and how many more there are."""
    first = documents[0] if documents else {}
    name = " ".join(str(first.get("title") or "").split()) or " ".join(str(first.get("text", ""))[:400].split()[:12])
    if len(name) > limit:
        name = name[:limit - 1].rstrip() + "…"
    return name + (f" (+{len(documents) - 1} more)" if len(documents) > 1 else "")

