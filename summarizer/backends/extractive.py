"""Deterministic extractive backend: salient, non-redundant source sentences, no LLM.

Salience is TF-IDF centrality (cosine to the centroid of the text being summarized), with a lead
bonus (news puts the main facts first) and, for the consolidated summary, a bonus for passages
several sources state. Selection is maximal marginal relevance, so a sentence too similar to one
already picked is passed over. Only content sentences are candidates: nothing cleaning marked as
junk, and nothing that looks like a headline or a fragment.
"""

from __future__ import annotations

import math
from typing import Mapping, Optional, Sequence

import numpy as np

from ..config.options import SummaryOptions
from ..contract.result import Sentence
from ..cpu import run_cpu_bound
from ..evidence.citations import cite_unit
from ..evidence.conflicts import find_conflicts
from ..evidence.textstats import TfIdf, centroid, content_words_many, cosine
from ..prepare.corpus import Corpus
from ..prepare.gcpause import gc_paused
from ..prepare.spans import SourceSentence, Unit
from ..progress import Progress
from .base import Backend, Draft
from .extractive_batch import (
    UnitMatrix,
    batched_mmr,
    consolidation_scores,
    eligible_mask,
    source_candidates,
    source_scores,
    unit_matrix,
)

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
    words = content_words_many([texts[u.canonical.source_id][u.canonical.start : u.canonical.end] for u in units])
    return {u.id: v for u, v in zip(units, TfIdf.of_words(words).vectors)}


def mmr(scores: Sequence[float], vectors: Sequence[dict], k: int) -> list[int]:
    """Greedy maximal marginal relevance: ``k`` times, the candidate with the highest
    ``λ·score − (1−λ)·redundancy`` (the earliest on a tie), where redundancy is the largest cosine
    to one already chosen; a candidate that close to a chosen one (``_MAX_SIMILAR``) is passed over.

    Candidates are visited by descending score, and a round stops at the first whose ``λ·score``
    (its value's upper bound, redundancy being >= 0) is below the best value found: a round
    looks at a handful of candidates, not all of them. Each candidate's redundancy is kept and
    brought up to date only when it is looked at.
    """
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    redundancy = [0.0] * len(scores)
    folded = [0] * len(scores)  # how many of ``chosen`` each redundancy has seen
    chosen: list[int] = []
    while order and len(chosen) < k:
        best, best_val, similar = -1, -math.inf, []
        for i in order:
            if _LAMBDA * scores[i] < best_val:
                break
            for j in chosen[folded[i] :]:
                redundancy[i] = max(redundancy[i], cosine(vectors[i], vectors[j]))
            folded[i] = len(chosen)
            if redundancy[i] >= _MAX_SIMILAR:
                similar.append(i)  # redundancy only grows: never a candidate again
                continue
            val = _LAMBDA * scores[i] - (1 - _LAMBDA) * redundancy[i]
            if val > best_val or (val == best_val and i < best):
                best, best_val = i, val
        if best < 0:
            break
        chosen.append(best)
        gone = set(similar)
        gone.add(best)
        order = [i for i in order if i not in gone]
    return chosen


class PickMemo:
    """What ``pick_source_sentences`` can reuse across the sources of one run: whether a sentence
    text is eligible, and the picks for a list of candidate units (exact copies of a document,
    and documents sharing their content sentences, have the same)."""

    def __init__(self) -> None:
        self.eligible: dict[str, bool] = {}
        self.picks: dict[tuple[int, ...], list[int]] = {}

    def is_eligible(self, text: str) -> bool:
        ok = self.eligible.get(text)
        if ok is None:
            ok = self.eligible[text] = _eligible(text)
        return ok


def pick_source_sentences(corpus: Corpus, source_id: str, vec_of: dict, k: int,
                          memo: Optional[PickMemo] = None) -> list[Sentence]:
    """Up to ``k`` salient, mutually non-redundant content sentences of one source, cited."""
    memo = memo or PickMemo()
    text = corpus.texts[source_id]
    unit_of = corpus.unit_of
    content = [s for s in corpus.sentences[source_id] if s.junk is None]
    cands = [s for s in content if memo.is_eligible(text[s.start : s.end])] or content
    units = [unit_of[(source_id, s.index)] for s in cands]
    key = (k, *(u.id for u in units))
    picked = memo.picks.get(key)
    if picked is None:
        vectors = [vec_of[u.id] for u in units]
        center = centroid(vectors)
        scores = [cosine(v, center) + 0.15 / (1 + pos) for pos, v in enumerate(vectors)]
        picked = memo.picks[key] = sorted(mmr(scores, vectors, k))  # source order: cands are in it
    return [Sentence(text=text[cands[i].start : cands[i].end], citations=cite_unit(corpus.texts, units[i], first=cands[i]))
            for i in picked]


def consolidate(corpus: Corpus, units: list[Unit], vec_of: dict, k: int) -> list[Sentence]:
    """The ``k`` most central, most widely stated units, in source order (MMR against repeats)."""
    texts = corpus.texts
    cands = [u for u in units if _eligible(texts[u.canonical.source_id][u.canonical.start : u.canonical.end])]
    if not cands:
        cands = units
    vectors = [vec_of[u.id] for u in cands]
    center = centroid(vectors)
    # How many sources state (nearly) the same thing: shared content words with other sources.
    # A unit's vector has a key for each of its distinct content words.
    sources = [u.source_ids for u in cands]
    df_sources: dict[str, set[str]] = {}
    for v, ids in zip(vectors, sources):
        for w in v:
            df_sources.setdefault(w, set()).update(ids)
    n_sources = max(1, len(corpus.documents))
    scores = []
    for u, v, ids in zip(cands, vectors, sources):
        spread = sum(len(df_sources[w]) for w in v) / (len(v) * n_sources) if v else 0.0
        lead = 0.1 / (1 + u.canonical.index)
        scores.append(cosine(v, center) + 0.3 * spread + 0.2 * (len(ids) - 1) + lead)
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


def _sentence(texts: Mapping[str, str], s: SourceSentence, unit: Unit, lead: bool) -> Sentence:
    """``Sentence(text=..., citations=cite_unit(texts, unit, first=s if lead else None))``, with
    the citations given as dicts: validating them with the sentence is faster."""
    occ = unit.content_occurrences
    if lead and s in occ:
        occ = [s]
    else:
        seen: set[str] = set()
        occ = [o for o in occ if not (o.source_id in seen or seen.add(o.source_id))]
    citations = [{"source_id": o.source_id, "start": o.start, "end": o.end, "text": texts[o.source_id][o.start : o.end]}
                 for o in occ]
    return Sentence(text=texts[s.source_id][s.start : s.end], citations=citations)


def source_summaries(corpus: Corpus, m: UnitMatrix, k: int, progress: Progress, eligible: np.ndarray) -> dict[str, list[Sentence]]:
    """``pick_source_sentences`` for every source, the scoring and MMR batched (``extractive_batch``)."""
    sents, units, sizes = source_candidates(corpus, eligible)
    rows = np.fromiter((m.row_of[u.id] for u in units), dtype=np.int64, count=len(units))
    picks, unsure = batched_mmr(source_scores(m, rows, sizes), k, _LAMBDA, _MAX_SIMILAR)
    texts, memo = corpus.texts, PickMemo()
    out: dict[str, list[Sentence]] = {}
    for n, doc in enumerate(corpus.documents):
        if unsure[n]:  # a near tie: pick by the definition
            out[doc.id] = pick_source_sentences(corpus, doc.id, m.exact(), k, memo)
        else:
            out[doc.id] = [_sentence(texts, sents[i], units[i], lead=True) for i in sorted(picks[n])]
        progress("summarize_source", {"source_id": doc.id, "done": n + 1, "total": len(corpus.documents)})
    return out


def consolidated_summary(corpus: Corpus, m: UnitMatrix, units: list[Unit], k: int, eligible: np.ndarray) -> list[Sentence]:
    """``consolidate``, the scoring and MMR in numpy (``extractive_batch``)."""
    cands = [u for u in units if eligible[corpus.passage_index(u.canonical)]] or units
    order = {d.id: i for i, d in enumerate(corpus.documents)}
    picks, unsure = batched_mmr(consolidation_scores(m, cands, order), k, _LAMBDA, _MAX_SIMILAR)
    if unsure[0]:  # a near tie: pick by the definition
        return consolidate(corpus, units, m.exact(), k)
    picked = sorted(picks[0], key=lambda i: (order[cands[i].canonical.source_id], cands[i].canonical.index))
    return [_sentence(corpus.texts, cands[i].canonical, cands[i], lead=False) for i in picked]


class ExtractiveBackend(Backend):
    name = "extractive"

    async def summarize(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        # CPU-bound: off the event loop (so a server stays responsive meanwhile) unless small.
        chars = sum(map(len, corpus.texts.values()))
        return await run_cpu_bound(chars, self.summarize_sync, corpus, options, progress)

    def summarize_sync(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        with gc_paused():  # many short-lived, cycle-free objects over a large live corpus
            units = [u for u in corpus.units if u.content_occurrences]
            m = unit_matrix(corpus, units)
            everything = [s for d in corpus.documents for s in corpus.sentences[d.id]]  # passage order
            eligible = eligible_mask(corpus, everything)
            per_source = source_summaries(corpus, m, options.per_source_sentences, progress, eligible)
            consolidated = consolidated_summary(corpus, m, units, options.consolidated_sentences, eligible)
            progress("consolidate", {"sentences": len(consolidated)})
            conflicts = find_conflicts(corpus) if options.find_conflicts else []
        return Draft(per_source, consolidated, conflicts, {"model": None})


def create_backend(settings: object, options: object) -> ExtractiveBackend:
    """The factory the backend registry binds "extractive" to (it needs no settings)."""
    return ExtractiveBackend()
