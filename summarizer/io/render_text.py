"""Plain-text rendering of a result for a terminal: summary sentences with ``[n]`` markers that
number the sources, conflicts, the summary per source, and the numbered list of sources.

Markers name sources, not spans: a terminal reader wants to know where a sentence comes from; the
exact spans and offsets are in the JSON and Markdown formats (``--format json|markdown``).
"""

from __future__ import annotations

import textwrap
from pathlib import PurePath
from typing import Optional

from ..contract.result import Sentence, SummaryResult


def _markers(sentence: Sentence, numbers: dict[str, int]) -> str:
    seen: dict[str, None] = {}
    for c in sentence.citations:
        page = f", p. {c.page}" if c.page else ""
        seen.setdefault(f"[{numbers.get(c.source_id, '?')}{page}]", None)
    return "".join(seen)


def _bullets(sentences: list[Sentence], numbers: dict[str, int], width: int, indent: str) -> list[str]:
    lines = []
    for s in sentences:
        text = " ".join(s.text.split()) + " " + _markers(s, numbers)
        lines.append(textwrap.fill(text, width, initial_indent=indent + "- ",
                                   subsequent_indent=indent + "  ", break_on_hyphens=False))
    return lines


def _file_label(source_id: str, path: Optional[str]) -> str:
    """The source's file name (its id when it has no file; both for a record of a JSON file)."""
    if not path:
        return source_id
    p = PurePath(path)
    return p.name if p.stem == source_id else f"{source_id}, {p.name}"


def source_label(title: str, source_id: str) -> str:
    return f"{title} ({source_id})" if title and title != source_id else source_id


def to_text(result: SummaryResult, width: int = 100) -> str:
    width = max(40, width)
    numbers = {s.id: n for n, s in enumerate(result.sources, 1)}
    out = ["Summary"]
    out += _bullets(result.consolidated, numbers, width, "  ") or ["  (no consolidated summary)"]
    out += ["", "Conflicts"]
    out += _bullets(result.conflicts, numbers, width, "  ") or ["  (none found)"]
    out += ["", "Per source"]
    for ps in result.per_source:
        info = next((s for s in result.sources if s.id == ps.source_id), None)
        out.append(f"  [{numbers.get(ps.source_id, '?')}] {source_label(info.title if info else '', ps.source_id)}")
        out += _bullets(ps.summary, numbers, width, "    ") or ["    (no summary)"]
    out += ["", "Sources"]
    for n, s in enumerate(result.sources, 1):
        name = _file_label(s.id, s.path)
        title = textwrap.shorten(s.title, max(20, width - len(name) - 12), placeholder="…") if s.title else ""
        out.append(f"  [{n}] {title} ({name})" if title and title != s.id else f"  [{n}] {name}")
    return "\n".join(out) + "\n"
