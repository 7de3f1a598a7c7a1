"""The extractive backend as first written: plain loops over dict vectors, one source at a time.

The oracle for the faster implementation (``backends/extractive.py`` and ``extractive_batch.py``),
which must pick exactly the same sentences. Kept as first written, plus what issue 17 added to
the definition: the stand-alone and ellipsis tests in ``eligible``, the focus term in the scores,
MMR ranking enough candidates for a word target, and the shared post-steps of ``arrange``
(restated picks, length, order) and ``on_period`` (sources about another period).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

from summarizer.backends.arrange import SPARE_PICKS, Pick, drop_restated, fit_words, order, rounds_for, source_dates
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


def eligible(text: str) -> bool:
    n = len(text.split())
    if not (6 <= n <= 80 and text.rstrip("”’\"')»").endswith((".", "!", "?"))) or cut_off(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0 and stands_alone(text)


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


def pick_source_sentences(corpus: Corpus, source_id: str, vec_of: dict, k: int, focus=None, words=None) -> list[Sentence]:
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
    ranked = mmr(scores, vectors, rounds_for(k, words))
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
                skip_sources=()) -> list[Sentence]:
    texts = corpus.texts
    units = on_period(units, skip_sources)
    cands = [u for u in units if eligible(texts[u.canonical.source_id][u.canonical.start : u.canonical.end])]
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
    rank_of = {d.id: i for i, d in enumerate(corpus.documents)}
    picks = [Pick(u.canonical.source_id, u.canonical.index, texts[u.canonical.source_id][u.canonical.start : u.canonical.end],
                  vec_of[u.id], r, rank_of[u.canonical.source_id]) for r, u in enumerate(ranked)]
    picks = drop_restated(picks, len(picks) if words else k)
    if words is not None:
        picks = [picks[i] for i in fit_words([len(p.text.split()) for p in picks], words)]
    picks = order(picks, *source_dates(corpus, [p.source_id for p in picks]))
    return [Sentence(text=p.text, citations=cite_unit(texts, ranked[p.rank])) for p in picks]
