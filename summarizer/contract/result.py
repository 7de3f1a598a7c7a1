"""Result contract version 1: what a run returns, as pydantic models.

What crosses a process boundary (the result JSON, API bodies) is pydantic, so it is validated on
the way in; the corpus' internal records are plain dataclasses (``prepare/spans.py``).
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class StrictModel(BaseModel):  # rejects unknown fields
    model_config = ConfigDict(extra="forbid")


class Citation(StrictModel):
    source_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    # Optional addition to v1: the 1-based page the span starts on, for sources with pages (PDF).
    # Left out of the JSON when unknown, so results of paged-less sources look exactly as before.
    page: Optional[int] = Field(None, ge=1, exclude_if=lambda v: v is None)


class Sentence(StrictModel):
    text: str
    citations: list[Citation]  # at least one in any returned result; checked by evidence/citations.py


class SourceInfo(StrictModel):
    id: str
    title: str = ""
    path: Optional[str] = None
    sha256: str
    chars: int


class PerSourceSummary(StrictModel):
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


class SummaryResult(StrictModel):
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
