"""The extractive backend as first written: plain loops over dict vectors, one source at a time.

The oracle for the faster implementation (``backends/extractive.py`` and ``extractive_batch.py``),
which must pick exactly the same sentences. Kept as first written, plus what issue 17 added to
the definition: the stand-alone and ellipsis tests in ``eligible``, the focus term in the scores,
MMR ranking enough candidates for a word target, the sentences pointing back that are candidates
with their antecedent (``pointing_back``), and the shared post-steps of ``composition`` (pairs,
restated picks, length, coverage from each source's ranking, order) and ``on_period`` (sources
about another period).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

from summarizer.backends.arrange import SPARE_PICKS, Pick, fit_words, rounds_for, source_dates
from summarizer.backends.composition import (
    MAX_OFFERS, Candidates, cover, cover_limit, reading_order, select, sources_to_cover,
)
from summarizer.backends.extractive import on_period
from summarizer.backends.focus import WEIGHT as FOCUS_WEIGHT
from summarizer.backends.readable import cut_off, stands_alone
from summarizer.contract.result import Sentence
from summarizer.evidence.citations import cite_unit
from summarizer.evidence.textstats import content_words
from summarizer.prepare.corpus import Corpus
from summarizer.prepare.spans import SourceSentence, Unit

LAMBDA = 0.7
MAX_SIMILAR = 0.6


def well_formed(text: str) -> bool:
    n = len(text.split())
    if not (6 <= n <= 80 and text.rstrip("”’\"')»").endswith((".", "!", "?"))) or cut_off(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def eligible(text: str) -> bool:
    return well_formed(text) and stands_alone(text)


def pointing_back(corpus: Corpus, unit: Unit):
    """The antecedent unit of a unit whose sentence is well formed but points back, if the
    sentence before it (same document) is an eligible content sentence; else None."""
    s = unit.canonical
    texts = corpus.texts
    if s.index == 0 or s.junk is not None or not well_formed(texts[s.source_id][s.start : s.end]):
        return None
    if stands_alone(texts[s.source_id][s.start : s.end]):
        return None
    prev = corpus.sentences[s.source_id][s.index - 1]
    if prev.junk is not None or not eligible(texts[s.source_id][prev.start : prev.end]):
        return None
    a = corpus.unit_of[(prev.source_id, prev.index)]
    return a if a.id != unit.id else None


class TfIdf:
    def __init__(self, texts: Sequence[str]) -> None:
        self.bags = [Counter(content_words(t)) for t in texts]
        df: Counter = Counter()
        for bag in self.bags:
            df.update(bag.keys())
        n = max(1, len(texts))
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self.vectors = [self.vector_of_bag(b) for b in self.bags]

    def vector_of_bag(self, bag: Counter) -> dict[str, float]:
        vec = {w: (1 + math.log(c)) * self.idf.get(w, 1.0) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def centroid(vectors) -> dict[str, float]:
    acc: dict[str, float] = {}
    for vec in vectors:
        for w, v in vec.items():
            acc[w] = acc.get(w, 0.0) + v
    norm = math.sqrt(sum(v * v for v in acc.values())) or 1.0
    return {w: v / norm for w, v in acc.items()}


def unit_vectors(corpus: Corpus) -> dict[int, dict[str, float]]:
    texts = corpus.texts
    units = [u for u in corpus.units if u.content_occurrences]
    tfidf = TfIdf([texts[u.canonical.source_id][u.canonical.start : u.canonical.end] for u in units])
    return {u.id: v for u, v in zip(units, tfidf.vectors)}


def mmr(scores: Sequence[float], vectors: Sequence[dict], k: int) -> list[int]:
    chosen: list[int] = []
    remaining = set(range(len(scores)))
    while remaining and len(chosen) < k:
        best, best_val = -1, -math.inf
        for i in sorted(remaining):
            redundancy = max((cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            if redundancy >= MAX_SIMILAR:
                continue
            val = LAMBDA * scores[i] - (1 - LAMBDA) * redundancy
            if val > best_val:
                best, best_val = i, val
        if best < 0:
            break
        chosen.append(best)
        remaining.discard(best)
    return chosen


def rank_source(corpus: Corpus, source_id: str, vec_of: dict, k: int, focus=None, words=None):
    """The source's candidates (sentence, unit) and MMR's ranking of them."""
    texts = corpus.texts
    cands: list[tuple[SourceSentence, Unit]] = []
    for s in corpus.sentences[source_id]:
        if s.junk is None and eligible(texts[source_id][s.start : s.end]):
            cands.append((s, corpus.unit_of[(source_id, s.index)]))
    if not cands:
        cands = [(s, corpus.unit_of[(source_id, s.index)]) for s in corpus.sentences[source_id] if s.junk is None]
    vectors = [vec_of[u.id] for _, u in cands]
    center = centroid(vectors)
    scores = [cosine(v, center) + 0.15 / (1 + pos) for pos, v in enumerate(vectors)]
    if focus:
        scores = [x + FOCUS_WEIGHT * cosine(v, focus) for x, v in zip(scores, vectors)]
    return cands, mmr(scores, vectors, rounds_for(k, words))


def best_sentences(corpus: Corpus, source_id: str, vec_of: dict, k: int, focus=None, words=None):
    cands, ranked = rank_source(corpus, source_id, vec_of, k, focus, words)
    return [cands[i] for i in ranked[:MAX_OFFERS]]


def pick_source_sentences(corpus: Corpus, source_id: str, vec_of: dict, k: int, focus=None, words=None) -> list[Sentence]:
    texts = corpus.texts
    cands, ranked = rank_source(corpus, source_id, vec_of, k, focus, words)
    if words is not None:
        text_of = [texts[source_id][cands[i][0].start : cands[i][0].end] for i in ranked]
        ranked = [ranked[i] for i in fit_words([len(t.split()) for t in text_of], words)]
    picked = sorted(ranked, key=lambda i: cands[i][0].index)
    out = []
    for i in picked:
        s, unit = cands[i]
        out.append(Sentence(text=texts[source_id][s.start : s.end], citations=cite_unit(texts, unit, first=s)))
    return out


def consolidate(corpus: Corpus, units: list[Unit], vec_of: dict, k: int, focus=None, words=None,
                skip_sources=(), leads=None) -> list[Sentence]:
    texts = corpus.texts
    units = on_period(units, skip_sources)
    cands, antecedent_of = [], {}
    for u in units:
        if eligible(texts[u.canonical.source_id][u.canonical.start : u.canonical.end]):
            cands.append(u)
        elif (a := pointing_back(corpus, u)) is not None and a in units:
            cands.append(u)
            antecedent_of[u.id] = a
    if not cands:
        cands = units
    vectors = [vec_of[u.id] for u in cands]
    center = centroid(vectors)
    df_sources: dict[str, set[str]] = {}
    for u in cands:
        for w in set(content_words(texts[u.canonical.source_id][u.canonical.start : u.canonical.end])):
            df_sources.setdefault(w, set()).update(u.source_ids)
    n_sources = max(1, len(corpus.documents))
    scores = []
    for u, v in zip(cands, vectors):
        words_of = set(content_words(texts[u.canonical.source_id][u.canonical.start : u.canonical.end]))
        spread = sum(len(df_sources[w]) for w in words_of) / (len(words_of) * n_sources) if words_of else 0.0
        lead = 0.1 / (1 + u.canonical.index)
        scores.append(cosine(v, center) + 0.3 * spread + 0.2 * (len(u.source_ids) - 1) + lead)
    if focus:
        scores = [x + FOCUS_WEIGHT * cosine(v, focus) for x, v in zip(scores, vectors)]
    ranked = [cands[i] for i in mmr(scores, vectors, rounds_for(k, words) + SPARE_PICKS)]
    # The pairs' antecedents, then the best sentences of the sources to cover, follow the ranked units.
    everything = list(ranked)
    for u in ranked:
        if u.id in antecedent_of and antecedent_of[u.id] not in everything:
            everything.append(antecedent_of[u.id])
    rank_of = {d.id: i for i, d in enumerate(corpus.documents)}

    def candidates(offers=()):
        picks = [Pick(u.canonical.source_id, u.canonical.index, texts[u.canonical.source_id][u.canonical.start : u.canonical.end],
                      vec_of[u.id], r, rank_of[u.canonical.source_id]) for r, u in enumerate(everything)]
        pairs = {i: everything.index(antecedent_of[u.id]) for i, u in enumerate(ranked) if u.id in antecedent_of}
        return Candidates(picks, [frozenset(u.source_ids) for u in everything], len(ranked), pairs, offers)

    c = candidates()
    blocks = select(c, k, words)
    if leads is not None:
        best = {d.id: [u for s, u in leads.get(d.id, [])[:MAX_OFFERS] if eligible(texts[s.source_id][s.start : s.end])]
                for d in corpus.documents if d.id not in skip_sources}
        want = sources_to_cover(c, blocks, [sid for sid, us in best.items() if us], cover_limit(k, words))
        offers = []
        for sid in want:
            for u in best[sid]:
                if u not in everything:
                    everything.append(u)
            offers.append((sid, [everything.index(u) for u in best[sid]]))
        c = candidates(offers)
        blocks = cover(c, blocks, k, words) if offers else blocks
    dates = source_dates(corpus, [c.picks[i].source_id for b in blocks for i in b])
    return [Sentence(text=c.picks[i].text, citations=cite_unit(texts, everything[i])) for i in reading_order(c.picks, blocks, *dates)]
