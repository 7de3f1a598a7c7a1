"""Which period does each source describe? A deterministic "different event" signal. Pure.

News about the same place can describe different phases of a story. Per source, from content
sentences only (page-date lines are handled by ``conflicts._page_date_conflicts``):

* explicit months ("early May", "May 16, 2022", "in March"; "May" only with a day, a year or a
  preposition, since "may" is also a verb);
* ages of the story ("six-month-old conflict", "three months into the war"), turned into a month
  when some source gives the start ("since the start of the ... invasion ... on February 24").

A source's *latest* month stands for the period it describes (earlier months are background).
When at least two other sources have markers and a source's latest month is ``GAP_MONTHS`` or
more away from every other source's latest month, a conflict sentence names it and cites the
sentences that carry the time markers. Months without years are compared within one year, the
honest approximation for a single story.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from ..contract.result import Sentence
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence
from .citations import cite_sentence
from .sentence_scan import Scan, content_scan

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_MONTH_RE = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_MAY_OK = re.compile(r"(?:\b(?:in|of|since|early|late|mid|until|by|on|from|last|this)\s+May\b|\bMay\s+\d)", re.I)
_NUMWORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_AGE_RE = re.compile(
    r"\b(\d{1,2}|" + "|".join(_NUMWORDS) + r")[- ]months?(?:-old| into| after the start of)\s+(?:the\s+)?(war|conflict|invasion|offensive)",
    re.I,
)
GAP_MONTHS = 3
# What a match of the marker regexes holds: a month name (_MONTH_RE, _START_RE) or "month"
# (_AGE_RE). Literals without whitespace, so ``chunk_hits`` applies (and ``holding``: they never
# overlap one another).
_MONTH_NAME = re.compile("|".join(MONTHS))
_MONTH_WORD = re.compile("[Mm][Oo][Nn][Tt][Hh]")  # "month" in any case: faster than re.I, same matches
_START_RE = re.compile(r"(?:start|beginning|began|launch)\w*\b[^.]{0,60}?\b(?:on|in)\s+(" + "|".join(MONTHS) + r")\b")


@dataclass
class Marker:
    month: int  # 1..12
    sentence: SourceSentence
    phrase: str


def months_in(text: str) -> list[tuple[int, str]]:
    out = []
    for m in _MONTH_RE.finditer(text):
        name = m.group(1)
        if name == "May" and not _MAY_OK.search(text[max(0, m.start() - 12) : m.end() + 3]):
            continue
        out.append((MONTHS.index(name) + 1, name))
    return out


def _marked_sentences(corpus: Corpus, scan: Scan) -> dict[str, list[tuple[SourceSentence, str, bool, bool]]]:
    """Per source, the content sentences that can hold a time marker: ``(sentence, text, has a
    month name, has "month")``. Month markers and the start of the story need a month name,
    ages need "month"; sentences with neither are left out. ``scan``: ``content_scan(corpus)``."""
    out: dict[str, list[tuple[SourceSentence, str, bool, bool]]] = {doc.id: [] for doc in corpus.documents}
    texts = corpus.texts
    named = scan.holding_in_chunks(_MONTH_NAME).tolist()
    worded = scan.holding_in_chunks(_MONTH_WORD).tolist()
    for s, name, word in zip(scan.sentences, named, worded):
        if name or word:
            out[s.source_id].append((s, texts[s.source_id][s.start : s.end], name, word))
    return out


def source_markers(corpus: Corpus, scan: Optional[Scan] = None) -> dict[str, list[Marker]]:
    start_month: Optional[int] = None
    raw = _marked_sentences(corpus, scan or content_scan(corpus))
    for doc in corpus.documents:
        for _, t, named, _ in raw[doc.id]:
            m = _START_RE.search(t) if named else None
            if m:  # the first sentence to give the start of the story gives it
                start_month = MONTHS.index(m.group(1)) + 1
                break
        if start_month is not None:
            break
    out: dict[str, list[Marker]] = {}
    for sid, sents in raw.items():
        markers = []
        for s, t, named, worded in sents:
            if named:
                markers += [Marker(month, s, name) for month, name in months_in(t)]
            for m in _AGE_RE.finditer(t) if worded else ():
                n = m.group(1).lower()
                months = int(n) if n.isdigit() else _NUMWORDS[n]
                if start_month is not None:
                    markers.append(Marker((start_month - 1 + months) % 12 + 1, s, m.group(0)))
        out[sid] = markers
    return out


def _nearest_other(latest: dict[str, Marker]) -> dict[str, int]:
    """For each source, the distance in months from its latest month to the nearest latest month
    of any *other* source: from a count of sources per month, so linear in the sources."""
    per_month = Counter(m.month for m in latest.values())
    out = {}
    for sid, m in latest.items():
        per_month[m.month] -= 1  # every source but this one
        out[sid] = min(abs(m.month - month) for month, n in per_month.items() if n)
        per_month[m.month] += 1
    return out


PeriodSplit = tuple[dict[str, Marker], list[str]]


def period_split(corpus: Corpus, scan: Optional[Scan] = None) -> PeriodSplit:
    """Each source's latest marker, and the sources whose latest month is ``GAP_MONTHS`` or more
    from every other's (none unless at least three sources have markers). Computed once per run
    and handed to ``off_period_sources`` and ``period_conflicts``. ``scan``: the run's
    ``content_scan``, if already made."""
    markers = source_markers(corpus, scan)
    latest = {sid: max(ms, key=lambda m: m.month) for sid, ms in markers.items() if ms}
    if len(latest) < 3:  # a source needs two others with markers to stand apart from
        return latest, []
    nearest = _nearest_other(latest)
    return latest, [sid for sid in latest if nearest[sid] >= GAP_MONTHS]


def off_period_sources(corpus: Corpus, split: Optional[PeriodSplit] = None) -> set[str]:
    """Sources that describe another period than the rest (what ``period_conflicts`` names); a
    consolidated summary leaves them out. None when most sources would be (no period stands out)."""
    latest, apart = split or period_split(corpus)
    return set(apart) if len(apart) * 2 < len(latest) else set()


def period_conflicts(corpus: Corpus, split: Optional[PeriodSplit] = None) -> list[Sentence]:
    texts = corpus.texts
    latest, apart = split or period_split(corpus)
    out = []
    for sid in apart:
        m = latest[sid]
        others = {o: om for o, om in latest.items() if o != sid}
        which = ", ".join(f"{o} (“{om.phrase}”)" for o, om in others.items())
        text = (
            f"{sid} may describe a different period: its latest time reference is “{m.phrase}” "
            f"(about {MONTHS[m.month - 1]}), while the latest ones of {which} are months away from it."
        )
        cites = [cite_sentence(texts, m.sentence)] + [cite_sentence(texts, om.sentence) for om in others.values()]
        out.append(Sentence(text=text, citations=cites))
    return out
