"""After the picks: say nothing twice, fit the length asked, put the sentences in a readable order.

Shared by the extractive backend (both of its implementations, so they still agree) and the LLM
backend's extractive fill and reduce. Pure.

* **Restated** - a pick whose content an earlier pick already supports (the grounding engine's
  verdict, not word overlap: "police arrested a man" after "a man was arrested by police") is
  dropped and the next candidate takes its place.
* **Length** - with ``words``, picks are taken in rank order while they fit ``words`` +-10%
  (a sentence is never cut); if the candidates run out first, the shortfall is reported.
* **Order** - chronological when the picks carry dates (a date in the sentence, else its
  source's dateline or page date), else a topical chain: the best pick first, then each time the
  remaining pick closest in content to the last one, so sentences about one event sit together.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from ..evidence.grounding import Grounder, Passage
from ..evidence.textstats import cosine
from ..prepare.corpus import Corpus

WORDS_TOLERANCE = 0.1
SPARE_PICKS = 4  # candidates ranked beyond k, to replace restated picks
_MONTHS = {m: i + 1 for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d)\b)?")
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+((?:19|20)\d\d)\b)?")
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)[-/](\d\d)[-/](\d\d)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
Date = tuple[int, int, int]  # (year, month, day); year 0 when unknown


def find_date(text: str, year: int = 0) -> Optional[Date]:
    """The first explicit calendar date in ``text`` ("May 16, 2022", "16 May", "2005/01/08"),
    its year taken from ``year`` when the text gives none."""
    best: Optional[tuple[int, Date]] = None
    for m in _DATE_MDY.finditer(text):
        day = int(m.group(2))
        if 1 <= day <= 31:
            best = (m.start(), (int(m.group(3) or year), _MONTHS[m.group(1).lower()], day))
            break
    for m in _DATE_DMY.finditer(text):
        day = int(m.group(1))
        if 1 <= day <= 31 and (best is None or m.start() < best[0]):
            best = (m.start(), (int(m.group(3) or year), _MONTHS[m.group(2).lower()], day))
            break
    m = _DATE_ISO.search(text)
    if m and 1 <= int(m.group(2)) <= 12 and (best is None or m.start() < best[0]):
        best = (m.start(), (int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return best[1] if best else None


def source_dates(corpus: Corpus, source_ids: Sequence[str]) -> tuple[dict[str, Optional[Date]], int]:
    """Each source's date (its first dateline or page-date line holding a date, else its
    title's), and the year the sources' text mentions most (0 if none). A page stamp later than
    that year is a crawl or update date, not the events' (as ``conflicts`` reports): left out."""
    found: dict[str, Optional[Date]] = {}
    years: Counter = Counter()
    for sid in dict.fromkeys(source_ids):
        doc = corpus.document(sid)
        years.update(int(y) for y in _YEAR.findall(doc.text))
        date = None
        for j in corpus.junk[sid]:
            if j.reason in ("page_date", "dateline"):
                date = find_date(doc.text[j.start : j.end])
                if date:
                    break
        found[sid] = date or (find_date(doc.title) if doc.title else None)
    year = years.most_common(1)[0][0] if years else 0
    return {sid: (None if d and year and d[0] > year else d) for sid, d in found.items()}, year


@dataclass
class Pick:
    """A picked sentence: where it is, its text, its TF-IDF vector and its rank (0 = best)."""

    source_id: str
    index: int
    text: str
    vector: Mapping[str, float]
    rank: int
    source_rank: int  # position of its source among the documents


def drop_restated(picks: Sequence[Pick], k: int) -> list[Pick]:
    """The picks in rank order, at most ``k``, none restating another: a pick whose content the
    picks kept before it support is dropped; one that states all of a kept pick and more takes
    that pick's place (checked only against kept picks sharing half of their words with it)."""
    if len(picks) <= 1:
        return list(picks[:k])
    grounder = Grounder([Passage(p.text, p.source_id, 0, i) for i, p in enumerate(picks)])
    kept: list[int] = []
    for i, p in enumerate(picks):
        if len(kept) >= k:
            break
        if kept and grounder.supports(p.text, only=kept):
            continue
        for slot, j in enumerate(kept):
            q = picks[j].vector
            if q and sum(1 for w in q if w in p.vector) * 2 >= len(q) and grounder.supports(picks[j].text, only=[i]):
                kept[slot] = i  # p says all that q says, and more
                break
        else:
            kept.append(i)
    return [picks[i] for i in kept]


def fit_words(lengths: Sequence[int], words: int) -> list[int]:
    """Which of the picks (their word counts ``lengths``, in rank order) to keep so that they add
    up to ``words`` +-10%: taken in rank order, whole sentences only; one that would overshoot is
    passed over for a shorter one after it. Stops once the target is reached."""
    hi = words * (1 + WORDS_TOLERANCE)
    out, total = [], 0
    for i, n in enumerate(lengths):
        if total + n > hi:
            continue
        out.append(i)
        total += n
        if total >= words:
            break
    return out


def per_source_words(words: Optional[int], per_source_sentences: int, consolidated_sentences: int) -> Optional[int]:
    """A per-source summary's word target for a consolidated target of ``words``: the same share
    of it as the sentence counts give (3 of 6 by default: half), at least 15 words."""
    if words is None:
        return None
    return max(15, round(words * per_source_sentences / consolidated_sentences))


def top_up(have: Sequence[int], more: Sequence[int], words: int) -> list[int]:
    """Which of ``more`` (word counts of candidate sentences, best first) to add to sentences of
    ``have`` words so that they reach ``words`` without passing it by more than 10%."""
    total, hi, out = sum(have), words * (1 + WORDS_TOLERANCE), []
    for i, n in enumerate(more):
        if total >= words:
            break
        if total + n <= hi:
            out.append(i)
            total += n
    return out


def rounds_for(k: int, words: Optional[int]) -> int:
    """How many candidates to rank: ``k``, or enough short sentences (8 words) to fill ``words``."""
    return k if words is None else min(80, int(words * (1 + WORDS_TOLERANCE)) // 8 + 2)


def order(picks: Sequence[Pick], dates: Mapping[str, Optional[Date]], year: int = 0) -> list[Pick]:
    """Chronological when at least two picks carry different dates, else a topical chain. A date
    without a year takes its source's, else ``year`` (the one the sources mention most)."""
    dated: list[Optional[Date]] = []
    for p in picks:
        base = dates.get(p.source_id)
        own = find_date(p.text, base[0] if base else year)
        dated.append(own or base)
    if len({d for d in dated if d}) >= 2:
        keyed, last = [], None
        for p, d in sorted(zip(picks, dated), key=lambda x: x[0].rank):
            last = d or last  # an undated pick stays next to the pick ranked before it
            keyed.append((last or (0, 0, 0), p.source_rank, p.index, p))
        return [x[-1] for x in sorted(keyed, key=lambda x: x[:3])]
    return topical_chain(picks)


def topical_chain(picks: Sequence[Pick]) -> list[Pick]:
    """The best pick, then repeatedly the remaining one closest to the last placed (its source's
    next sentence first when they tie), so that sentences about one event sit together."""
    left = sorted(picks, key=lambda p: p.rank)
    if not left:
        return []
    out = [left.pop(0)]
    while left:
        last = out[-1]
        best = max(range(len(left)), key=lambda i: (round(cosine(last.vector, left[i].vector), 12),
                                                    left[i].source_id == last.source_id, -left[i].rank))
        out.append(left.pop(best))
    return out
