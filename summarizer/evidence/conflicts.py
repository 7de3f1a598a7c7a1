"""Lexical conflict finding: places where sources state different numbers or dates.

Used by the extractive backend, and by LLM backends as candidates to confirm. Two signals:

* similar sentences from different sources (shared rare content words) that give different
  figures for the same thing (the same counted word: "12 homes" vs "15 homes", never "1973-90
  rule" vs "17-year rule"; ``places.figures_conflict``);
* one place put in opposite compass directions by two sources ("northwestern Kharkiv region" vs
  "the northeastern city of Kharkiv"; ``places.direction_conflicts``);
* page-date lines that disagree with each other or with the years the sources' text mentions.

Candidate pairs come from an inverted index over content words with a document-frequency cap,
so the cost stays near-linear. Conflict sentences quote both sides and cite both spans; page-date
conflicts cite the page-date lines themselves, which is the one place junk spans are cited.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress, groupby
from operator import itemgetter
from typing import Optional

from ..contract.result import Sentence
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence
from .citations import cite, cite_sentence
from .analysis import Analysis, analyse
from .periods import PeriodSplit, period_conflicts, period_split
from .places import direction_conflicts, figures_conflict
from .sentence_scan import Scan, content_scan
from .textstats import content_word_ids, most_similar_pairs

_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_MAX_PAIRS = 3
MAX_POSTING = 50  # words in more sentences than this are too common to suggest a pair


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _sentences_with_numbers(corpus: Corpus, scan: Scan) -> tuple[list[SourceSentence], list[set[str]]]:
    """Content sentences stating a number, with their content words (performance only:
    a sentence states a number exactly when it holds a digit, found for all sentences at once,
    and the words are the ones dedup found). ``scan``: ``content_scan(corpus)``."""
    sents = list(compress(scan.sentences, scan.digits()[0].tolist()))
    return sents, content_word_ids(corpus, sents).sets()


def _year_mentions(corpus: Corpus, scan: Scan) -> Counter:
    """In how many content sentences each year is mentioned (performance only: the mentions are
    found for all sentences at once, ``Scan.years``). ``scan``: ``content_scan(corpus)``."""
    years: Counter = Counter()
    for _, mentions in groupby(scan.years(), key=itemgetter(0)):
        years.update({year for _, year in mentions})  # a set per sentence, counted in its order
    return years


MIN_SIMILARITY = 0.3  # of two sentences to compare their figures


def _figures_differ(sents: list[SourceSentence], text: list[str], i: int, j: int, figures: dict[str, Analysis]) -> bool:
    # Equal texts give equal figures: never a conflict.
    if sents[i].source_id == sents[j].source_id or text[i] == text[j]:
        return False
    for k in (i, j):
        if text[k] not in figures:
            figures[text[k]] = analyse(text[k])
    return figures_conflict(figures[text[i]], figures[text[j]])


def _number_conflicts(corpus: Corpus, scan: Scan) -> list[Sentence]:
    """The ``_MAX_PAIRS`` most similar pairs of sentences from different sources that give
    different figures (ties in the order ``similar_pairs`` proposes them)."""
    texts = corpus.texts
    sents, words = _sentences_with_numbers(corpus, scan)
    cap = max(3, min(len(corpus.documents) * 2, MAX_POSTING))
    text = [texts[s.source_id][s.start : s.end] for s in sents]
    # Most similar first (ties in proposal order), so the search stops at the third conflict:
    # analysing the sentences of every pair, then computing every pair's similarity, took most
    # of a large run.
    figures: dict[str, Analysis] = {}  # each text once, however many pairs it is in
    found = [(sents[i], sents[j]) for i, j in most_similar_pairs(
        words, cap, MIN_SIMILARITY, lambda i, j: _figures_differ(sents, text, i, j, figures), _MAX_PAIRS)]
    out = []
    for a, b in found:
        ta, tb = texts[a.source_id][a.start : a.end], texts[b.source_id][b.start : b.end]
        out.append(
            Sentence(
                text=f"{a.source_id} and {b.source_id} give different figures: “{_short(ta)}” versus “{_short(tb)}”",
                citations=[cite_sentence(texts, a), cite_sentence(texts, b)],
            )
        )
    return out


def _page_date_conflicts(corpus: Corpus, scan: Scan) -> list[Sentence]:
    """Page-date lines that disagree, and which of them cannot be the date of the events.

    The events' year is the one the content sentences mention most; when they mention none,
    the earliest page-date year (a dateline is never later than the events it reports; page
    stamps and crawl dates often are).
    """
    texts = corpus.texts
    dated: list[tuple[str, int, int, str, int]] = []
    for doc in corpus.documents:
        for j in corpus.junk[doc.id]:
            if j.reason == "page_date":
                line = doc.text[j.start : j.end]
                year = max((int(m.group(0)) for m in _YEAR.finditer(line)), default=0)
                dated.append((doc.id, j.start, j.end, line, year))
    if not dated:
        return []
    years = _year_mentions(corpus, scan)
    page_years = [d[4] for d in dated if d[4]]
    event_year = years.most_common(1)[0][0] if years else min(page_years, default=0)
    late = [d for d in dated if event_year and d[4] > event_year]
    citations = [cite(texts, sid, a, b) for sid, a, b, _, _ in dated]
    if late:
        fit = [d for d in dated if d not in late and d[4]]
        text = (
            "Page dates are not the events' date: "
            + "; ".join(f"{sid} is dated “{line}”" for sid, _, _, line, _ in late)
            + f", but the events reported are from {event_year}"
            + (f" ({'; '.join(f'{sid} is dated “{line}”' for sid, _, _, line, _ in fit)})" if fit else "")
            + "."
        )
        return [Sentence(text=text, citations=citations)]
    if len({d[3] for d in dated}) < 2:
        return []
    return [Sentence(text="Page dates disagree: " + "; ".join(f"{sid} is dated “{line}”" for sid, _, _, line, _ in dated) + ".",
                     citations=citations)]


def find_conflicts(corpus: Corpus, periods: Optional[PeriodSplit] = None, scan: Optional[Scan] = None) -> list[Sentence]:
    """Every deterministic conflict: a source about another period (``periods``: the run's
    ``period_split``, if already made), page dates, figures, places. ``scan``: the run's
    ``content_scan``, if already made (``period_split`` reads the same sentences)."""
    scan = scan or content_scan(corpus)
    return (period_conflicts(corpus, periods or period_split(corpus, scan)) + _page_date_conflicts(corpus, scan)
            + _number_conflicts(corpus, scan) + direction_conflicts(corpus))
