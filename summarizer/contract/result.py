"""Data shapes: the input documents, the internal spans, and result contract version 1.

Internal hot-path records are slotted dataclasses (millions of them in the benchmark); what crosses
a process boundary (the result JSON, API bodies) is pydantic, so it is validated on the way in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Document:
    """One input document. ``text`` is the exact text all offsets index into."""

    id: str
    text: str
    title: str = ""
    path: Optional[str] = None


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

    @property
    def source_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.content_occurrences:
            seen.setdefault(s.source_id, None)
        return list(seen)


# ---------------------------------------------------------------- result contract v1 (pydantic)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Strict):
    source_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Sentence(_Strict):
    text: str
    citations: list[Citation]  # at least one in any returned result; checked by citations.py


class SourceInfo(_Strict):
    id: str
    title: str = ""
    path: Optional[str] = None
    sha256: str
    chars: int


class PerSourceSummary(_Strict):
    source_id: str
    summary: list[Sentence]


class Stats(BaseModel):
    """Run statistics. Open-ended: backends add their own keys (cache hits, prompts...)."""

    model_config = ConfigDict(extra="allow")

    backend: str
    model: Optional[str] = None
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    source_tokens: int = 0
    deduped_tokens: int = 0
    seconds: float = 0.0


class SummaryResult(_Strict):
    schema_version: int = SCHEMA_VERSION
    sources: list[SourceInfo]
    per_source: list[PerSourceSummary]
    consolidated: list[Sentence]
    conflicts: list[Sentence] = Field(default_factory=list)
    stats: Stats

    def all_sentences(self) -> list[tuple[str, Sentence]]:
        """Every summary sentence with a label saying where it sits in the result."""
        out: list[tuple[str, Sentence]] = []
        for ps in self.per_source:
            out += [(f"per_source[{ps.source_id}][{i}]", s) for i, s in enumerate(ps.summary)]
        out += [(f"consolidated[{i}]", s) for i, s in enumerate(self.consolidated)]
        out += [(f"conflicts[{i}]", s) for i, s in enumerate(self.conflicts)]
        return out


def jsonable(result: SummaryResult) -> dict[str, Any]:
    return result.model_dump(mode="json")
