"""A prepared corpus (or plain source texts) as grounding candidates. Pure.

Candidates are the content sentences (what cleaning kept); the page-date lines cleaning marked as
junk are not candidates but are handed to the engine as date lines, so a year or weekday that
only a dateline states can still be confirmed (never cited).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..prepare.cleaning import find_junk
from ..prepare.corpus import Corpus
from .grounding import Grounder, Passage


def corpus_passages(corpus: Corpus) -> list[Passage]:
    texts = corpus.texts
    return [Passage(texts[s.source_id][s.start : s.end], s.source_id, s.start, (s.source_id, s.index))
            for d in corpus.documents for s in corpus.sentences[d.id] if s.junk is None]


def corpus_dates(corpus: Corpus) -> dict[str, list[str]]:
    return {d.id: [d.text[j.start : j.end] for j in corpus.junk[d.id] if j.reason == "page_date"]
            for d in corpus.documents}


def corpus_grounder(corpus: Corpus) -> Grounder:
    return Grounder(corpus_passages(corpus), corpus_dates(corpus))


def text_dates(texts: Mapping[str, str]) -> dict[str, list[str]]:
    """Page-date lines of raw source texts (for callers that hold texts, not a corpus)."""
    return {sid: [t[j.start : j.end] for j in find_junk(t) if j.reason == "page_date"] for sid, t in texts.items()}


def span_passages(spans: Sequence[tuple[str, int, int]], texts: Mapping[str, str]) -> list[Passage]:
    return [Passage(texts[sid][a:b], sid, a) for sid, a, b in spans]
