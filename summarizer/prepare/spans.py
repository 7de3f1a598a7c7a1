"""Internal records of a prepared corpus: spans, junk marks, sentences and deduplicated units.

Hot-path records are slotted dataclasses (millions of them in the benchmark); they never cross a
process boundary, unlike the pydantic result contract (``contract/result.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open ``[start, end)`` range of ``str`` indices into one source's text."""

    source_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class JunkSpan:
    """A span cleaning decided to leave out of summaries, with the signal that fired."""

    start: int
    end: int
    reason: str


@dataclass(slots=True)
class SourceSentence:
    """A sentence of one source, with what cleaning and tokenization said about it."""

    source_id: str
    index: int  # position within its source
    start: int
    end: int
    tokens: int
    junk: Optional[str] = None  # reason, or None when the sentence is content


@dataclass(slots=True)
class Unit:
    """A deduplicated passage: one text, every place it occurs.

    ``sentences`` holds the occurrences (first one is canonical). A unit is junk only when all of
    its occurrences are; citations always skip the junk occurrences.
    """

    id: int
    sentences: list[SourceSentence] = field(default_factory=list)

    @property
    def canonical(self) -> SourceSentence:
        return self.sentences[0]

    @property
    def content_occurrences(self) -> list[SourceSentence]:
        return [s for s in self.sentences if s.junk is None]

    def first_content(self) -> Optional[SourceSentence]:
        """The first of ``content_occurrences``, None if there is none (without making the list)."""
        for s in self.sentences:
            if s.junk is None:
                return s
        return None

    @property
    def has_content(self) -> bool:
        """Whether ``content_occurrences`` is not empty, without making the list (runs ask this
        of every unit)."""
        return self.first_content() is not None

    @property
    def source_ids(self) -> list[str]:
        """The sources of ``content_occurrences``, each once, in order (runs ask this of every
        candidate unit; most have one occurrence)."""
        if len(self.sentences) == 1:
            s = self.sentences[0]
            return [s.source_id] if s.junk is None else []
        return list(dict.fromkeys(s.source_id for s in self.sentences if s.junk is None))
