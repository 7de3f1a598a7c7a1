"""Deterministic extractive backend: salient, non-redundant source sentences, no LLM.

Salience is TF-IDF centrality (cosine to the centroid of the text being summarized), with a lead
bonus (news puts the main facts first) and, for the consolidated summary, a bonus for passages
several sources state. Selection is maximal marginal relevance, so a sentence too similar to one
already picked is passed over. Only content sentences are candidates: nothing cleaning marked as
junk, and nothing that looks like a headline or a fragment.
"""

from __future__ import annotations

import asyncio
import math
from typing import Sequence

from ..config.options import SummaryOptions
from ..contract.result import Sentence
from ..evidence.citations import cite_unit
from ..evidence.conflicts import find_conflicts
from ..evidence.textstats import TfIdf, centroid, content_words, cosine
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence, Unit
from ..progress import Progress
from .base import Backend, Draft

_LAMBDA = 0.7  # MMR trade-off between salience and novelty
_MAX_SIMILAR = 0.6  # never pick two sentences closer than this


def _eligible(text: str) -> bool:
    """A sentence fit to stand alone in a summary: prose-sized, finished, quotes balanced."""
    n = len(text.split())
    if not (6 <= n <= 80 and text.rstrip("”’\"')»").endswith((".", "!", "?"))):
        return False
    # A quotation cut in two by segmentation ("“There were no troops.) reads as a fragment.
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def unit_vectors(corpus: Corpus) -> dict[int, dict[str, float]]:
    """TF-IDF vector of every content unit, keyed by unit id (the collection is all units)."""
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
            if redundancy >= _MAX_SIMILAR:
                continue
            val = _LAMBDA * scores[i] - (1 - _LAMBDA) * redundancy
            if val > best_val:
                best, best_val = i, val
        if best < 0:
            break
        chosen.append(best)
        remaining.discard(best)
    return chosen


def pick_source_sentences(corpus: Corpus, source_id: str, vec_of: dict, k: int) -> list[Sentence]:
    """Up to ``k`` salient, mutually non-redundant content sentences of one source, cited."""
    texts = corpus.texts
    cands: list[tuple[SourceSentence, Unit]] = []
    for s in corpus.sentences[source_id]:
        if s.junk is None and _eligible(texts[source_id][s.start : s.end]):
            cands.append((s, corpus.unit_of[(source_id, s.index)]))
    if not cands:
        cands = [(s, corpus.unit_of[(source_id, s.index)]) for s in corpus.sentences[source_id] if s.junk is None]
    vectors = [vec_of[u.id] for _, u in cands]
    center = centroid(vectors)
    scores = [cosine(v, center) + 0.15 / (1 + pos) for pos, v in enumerate(vectors)]
    picked = sorted(mmr(scores, vectors, k), key=lambda i: cands[i][0].index)
    out = []
    for i in picked:
        s, unit = cands[i]
        out.append(Sentence(text=texts[source_id][s.start : s.end], citations=cite_unit(texts, unit, first=s)))
    return out


def consolidate(corpus: Corpus, units: list[Unit], vec_of: dict, k: int) -> list[Sentence]:
    """The ``k`` most central, most widely stated units, in source order (MMR against repeats)."""
    texts = corpus.texts
    cands = [u for u in units if _eligible(texts[u.canonical.source_id][u.canonical.start : u.canonical.end])]
    if not cands:
        cands = units
    vectors = [vec_of[u.id] for u in cands]
    center = centroid(vectors)
    # How many sources state (nearly) the same thing: shared content words with other sources.
    df_sources: dict[str, set[str]] = {}
    for u in cands:
        for w in set(content_words(texts[u.canonical.source_id][u.canonical.start : u.canonical.end])):
            df_sources.setdefault(w, set()).update(u.source_ids)
    n_sources = max(1, len(corpus.documents))
    scores = []
    for u, v in zip(cands, vectors):
        words = set(content_words(texts[u.canonical.source_id][u.canonical.start : u.canonical.end]))
        spread = sum(len(df_sources[w]) for w in words) / (len(words) * n_sources) if words else 0.0
        lead = 0.1 / (1 + u.canonical.index)
        scores.append(cosine(v, center) + 0.3 * spread + 0.2 * (len(u.source_ids) - 1) + lead)
    picked = mmr(scores, vectors, k)
    order = {d.id: i for i, d in enumerate(corpus.documents)}
    picked.sort(key=lambda i: (order[cands[i].canonical.source_id], cands[i].canonical.index))
    return [
        Sentence(
            text=texts[cands[i].canonical.source_id][cands[i].canonical.start : cands[i].canonical.end],
            citations=cite_unit(texts, cands[i]),
        )
        for i in picked
    ]


class ExtractiveBackend(Backend):
    name = "extractive"

    async def summarize(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        # CPU-bound: keep it off the event loop so a server stays responsive meanwhile.
        return await asyncio.to_thread(self.summarize_sync, corpus, options, progress)

    def summarize_sync(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        units = [u for u in corpus.units if u.content_occurrences]
        vec_of = unit_vectors(corpus)
        per_source: dict[str, list[Sentence]] = {}
        for n, doc in enumerate(corpus.documents):
            per_source[doc.id] = pick_source_sentences(corpus, doc.id, vec_of, options.per_source_sentences)
            progress("summarize_source", {"source_id": doc.id, "done": n + 1, "total": len(corpus.documents)})
        consolidated = consolidate(corpus, units, vec_of, options.consolidated_sentences)
        progress("consolidate", {"sentences": len(consolidated)})
        conflicts = find_conflicts(corpus) if options.find_conflicts else []
        return Draft(per_source, consolidated, conflicts, {"model": None})


def create_backend(settings: object, options: object) -> ExtractiveBackend:
    """The factory the backend registry binds "extractive" to (it needs no settings)."""
    return ExtractiveBackend()
