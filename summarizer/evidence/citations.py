"""Citations: building them from spans, and checking that they hold.

A citation holds when ``text == source[start:end]`` for a source that exists. Results pass
through ``enforce`` before they are returned, so a citation that does not hold is never returned:
it is dropped, and a sentence left with none is dropped too (both counted in stats).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

from ..contract.result import Citation, Sentence, SummaryResult
from ..prepare.spans import SourceSentence, Unit


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cite(texts: Mapping[str, str], source_id: str, start: int, end: int) -> Citation:
    return Citation(source_id=source_id, start=start, end=end, text=texts[source_id][start:end])


def cite_sentence(texts: Mapping[str, str], s: SourceSentence) -> Citation:
    return cite(texts, s.source_id, s.start, s.end)


def cited_occurrences(unit: Unit, first: Optional[SourceSentence] = None) -> list[SourceSentence]:
    """The occurrences of ``unit`` a summary sentence cites: each source once, at its first
    content occurrence.

    With ``first`` (a per-source summary quoting its own sentence), ``first`` alone: copies in
    other sources are the consolidated summary's to cite. Citing every occurrence everywhere made a
    response grow with the square of the number of near-identical documents (200 copies of a
    report: 0.5 MB in, 29 MB out). How many sources share a passage stays countable: the
    consolidated citations name each of them, and the analysis lists every occurrence.
    """
    if first is not None and first.junk is None and any(
        s is first or (s.index == first.index and s.source_id == first.source_id and s == first)
        for s in unit.sentences
    ):  # ``first in content_occurrences``, without the list or a field-by-field ``==`` per occurrence
        return [first]
    seen: set[str] = set()
    return [s for s in unit.content_occurrences if not (s.source_id in seen or seen.add(s.source_id))]


def cite_unit(texts: Mapping[str, str], unit: Unit, first: Optional[SourceSentence] = None) -> list[Citation]:
    """Citations of ``unit`` (``cited_occurrences``)."""
    return [cite_sentence(texts, s) for s in cited_occurrences(unit, first)]


def citation_problem(texts: Mapping[str, str], c: Citation) -> Optional[str]:
    """Why ``c`` does not hold, or None when it does."""
    if c.source_id not in texts:
        return f"unknown source {c.source_id!r}"
    src = texts[c.source_id]
    if not (0 <= c.start < c.end <= len(src)):
        return f"offsets [{c.start}, {c.end}) outside source of {len(src)} chars"
    if src[c.start : c.end] != c.text:
        return f"text differs from source[{c.start}:{c.end}] = {src[c.start:c.end][:60]!r}"
    return None


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_result(result: SummaryResult, texts: Mapping[str, str]) -> list[Problem]:
    """Every way ``result`` fails the contract against ``texts`` (the sources' texts)."""
    problems: list[Problem] = []
    known = {s.id for s in result.sources}
    for info in result.sources:
        if info.id not in texts:
            problems.append(Problem(f"sources[{info.id}]", "source text not available"))
        elif sha256_text(texts[info.id]) != info.sha256:
            problems.append(Problem(f"sources[{info.id}]", "sha256 differs: source changed"))
    for where, sentence in result.all_sentences():
        if not sentence.citations:
            problems.append(Problem(where, "sentence has no citation"))
        for k, c in enumerate(sentence.citations):
            if c.source_id not in known:
                problems.append(Problem(f"{where}.citations[{k}]", f"source {c.source_id!r} not in result.sources"))
                continue
            msg = citation_problem(texts, c)
            if msg:
                problems.append(Problem(f"{where}.citations[{k}]", msg))
    return problems


def enforce(sentences: Iterable[Sentence], texts: Mapping[str, str], counts: dict[str, int]) -> list[Sentence]:
    """Keep only citations that hold, and only sentences that keep at least one."""
    kept: list[Sentence] = []
    for s in sentences:
        good = [c for c in s.citations if citation_problem(texts, c) is None]
        counts["dropped_citations"] = counts.get("dropped_citations", 0) + len(s.citations) - len(good)
        if len(good) == len(s.citations) and good:
            kept.append(s)  # nothing dropped: the sentence as it is (validating it again costs)
        elif good:
            kept.append(Sentence(text=s.text, citations=good))
        else:
            counts["dropped_sentences"] = counts.get("dropped_sentences", 0) + 1
    return kept
