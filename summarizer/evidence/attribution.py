"""Multi-source attribution: cite every source that supports a sentence, and say how many
independent sources corroborate it. Pure.

For each source not yet cited, the grounding engine checks the sentence against that source's
passages alone; a source whose passages support it is cited too (its supporting spans). Sources
whose supporting passages are word-for-word copies of another's (a wire story run by two sites)
are cited but count once: ``independent`` is the number of distinct supporting texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from ..contract.result import Citation, Sentence
from .analysis import analyse
from .grounding import Grounder

MAX_SOURCES = 12  # citations added per sentence, at most


@dataclass(frozen=True)
class Attribution:
    citations: list[Citation]  # the sentence's own, then one group per other supporting source
    added: int
    independent: int


def _cite(grounder: Grounder, i: int) -> Citation:
    p = grounder.passages[i]
    return Citation(source_id=p.source_id, start=p.start, end=p.end, text=p.text)


def attribute(grounder: Grounder, text: str, citations: Sequence[Citation],
              maybe: Optional[set[str]] = None) -> Attribution:
    """``maybe``: ``grounder.sources_that_may_support(text)`` when the caller has it already."""
    cited_sources = {c.source_id for c in citations}
    out = list(citations)
    supporting: dict[str, set[str]] = {}  # source -> normalized texts of its supporting spans
    for c in citations:
        supporting.setdefault(c.source_id, set()).add(analyse(c.text).norm)
    added = 0
    if maybe is None:
        maybe = grounder.sources_that_may_support(text)  # one pass over the index, not one per source
    candidates = [(sid, ids) for sid, ids in grounder.by_source.items() if sid not in cited_sources and sid in maybe]
    # Lazily, the claim read once; only a supporting verdict's passages are read.
    verdicts = grounder.check_each(text, (set(ids) for _, ids in candidates), support_only=True)
    for sid, _ in candidates:
        if added >= MAX_SOURCES:
            break
        verdict = next(verdicts)
        if verdict.supported and len(verdict.passages) == 1:  # one span that supports it by itself
            for i in verdict.passages:
                out.append(_cite(grounder, i))
                supporting.setdefault(sid, set()).add(grounder.an[i].norm)
            added += 1
    distinct = {frozenset(v) for v in supporting.values()}
    return Attribution(out, added, len(distinct))


def attribute_sentences(grounder: Grounder, sentences: Sequence[Sentence], maybe: Sequence[set[str]],
                        ) -> tuple[list[Sentence], list[int], int]:
    """Sentences with every supporting source cited, the independent-source count of each, and
    how many citations were added in all (``maybe``: per sentence, ``attribute``'s, as
    ``sources.attribution_setup`` gives them)."""
    out, counts, added = [], [], 0
    for s, may in zip(sentences, maybe):
        a = attribute(grounder, s.text, s.citations, may)
        out.append(Sentence(text=s.text, citations=a.citations))
        counts.append(a.independent)
        added += len(a.citations) - len(s.citations)
    return out, counts, added
