"""Deterministic extractive backend: salient, non-redundant source sentences, no LLM.

Salience is TF-IDF centrality (cosine to the centroid of the text being summarized), with a lead
bonus (news puts the main facts first) and, for the consolidated summary, a bonus for passages
several sources state, and, with a focus, the cosine to the focus (``focus.py``). Selection is
maximal marginal relevance, so a sentence too similar to one already picked is passed over. Only
content sentences are candidates: nothing cleaning marked as junk, nothing that looks like a
headline or a fragment, nothing cut off with an ellipsis, and nothing that opens by pointing back
at a sentence the reader does not get (``readable.py``). The consolidated summary leaves out
sources about another period (``evidence.periods``); a sentence pointing back is a candidate
there together with its antecedent (the sentence before it), which is then placed just before
it. Restated picks are dropped, the length asked is fitted, every source that adds information
contributes, and the sentences are ordered (``composition.py``, ``arrange.py``).
"""

from __future__ import annotations

import math
from typing import Collection, Mapping, Optional, Sequence

import numpy as np

from ..config.options import SummaryOptions
from ..contract.result import Sentence
from ..cpu import run_cpu_bound
from ..evidence.citations import cite_unit, cited_occurrences
from ..evidence.conflicts import find_conflicts
from ..evidence.textstats import TfIdf, centroid, content_words_many, cosine
from ..prepare.corpus import Corpus
from ..prepare.gcpause import gc_paused
from ..evidence.periods import off_period_sources, period_split
from ..evidence.sentence_scan import content_scan
from ..prepare.spans import SourceSentence, Unit
from ..progress import Progress
from .arrange import SPARE_PICKS, Pick, fit_words, per_source_words, rounds_for, source_dates
from .base import Backend, Draft
from .composition import (
    MAX_OFFERS,
    Candidates,
    Leads,
    cover,
    cover_limit,
    coverage_offers,
    reading_order,
    select,
    sources_to_cover,
    with_antecedents,
)
from .extractive_batch import (
    UnitMatrix,
    batched_mmr,
    consolidation_scores,
    eligible_mask,
    source_candidates,
    source_scores,
    unit_matrix,
)
from .focus import WEIGHT as FOCUS_WEIGHT
from .focus import focus_stems, focus_vector
from .readable import cut_off, stands_alone

_LAMBDA = 0.7  # MMR trade-off between salience and novelty
_MAX_SIMILAR = 0.6  # never pick two sentences closer than this


def _well_formed(text: str) -> bool:
    """A sentence fit for a summary but perhaps for its start: prose-sized, finished (not cut off
    with an ellipsis), quotes balanced."""
    n = len(text.split())
    if not (6 <= n <= 80 and text.rstrip("”’\"')»").endswith((".", "!", "?"))) or cut_off(text):
        return False
    # A quotation cut in two by segmentation ("“There were no troops.) reads as a fragment.
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _eligible(text: str) -> bool:
    """A sentence fit to stand alone in a summary: well formed, nothing at its start that points
    back (``readable``)."""
    return _well_formed(text) and stands_alone(text)


def _dependent(text: str) -> bool:
    """A well-formed sentence that points back at the one before it ("He said ...")."""
    return _well_formed(text) and not stands_alone(text)


def text_focus(corpus: Corpus, focus: Optional[str]) -> dict[str, float]:
    """The focus vector over the content units' words (``focus.focus_vector``), from the texts."""
    stems = focus_stems(focus)
    if not stems:
        return {}
    texts = corpus.texts
    units = [u for u in corpus.units if u.has_content]
    df: dict[str, int] = {}
    for ws in content_words_many([texts[u.canonical.source_id][u.canonical.start : u.canonical.end] for u in units]):
        for w in set(ws):
            df[w] = df.get(w, 0) + 1
    return focus_vector(stems, df, lambda w: df.get(w, 0), len(units))


def unit_vectors(corpus: Corpus) -> dict[int, dict[str, float]]:
    """TF-IDF vector of every content unit, keyed by unit id (the collection is all units)."""
    texts = corpus.texts
    units = [u for u in corpus.units if u.has_content]
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


def rank_source(corpus: Corpus, source_id: str, vec_of: Mapping, k: int, memo: Optional[PickMemo] = None,
                focus: Optional[Mapping[str, float]] = None,
                words: Optional[int] = None) -> tuple[list[SourceSentence], list[Unit], list[int]]:
    """One source's candidate sentences, their units, and which of them MMR ranks (best first)."""
    memo = memo or PickMemo()
    text = corpus.texts[source_id]
    unit_of = corpus.unit_of
    content = [s for s in corpus.sentences[source_id] if s.junk is None]
    cands = [s for s in content if memo.is_eligible(text[s.start : s.end])] or content
    units = [unit_of[(source_id, s.index)] for s in cands]
    key = (k, words, *(u.id for u in units))
    ranked = memo.picks.get(key)
    if ranked is None:
        vectors = [vec_of[u.id] for u in units]
        center = centroid(vectors)
        scores = [cosine(v, center) + 0.15 / (1 + pos) for pos, v in enumerate(vectors)]
        if focus:
            scores = [x + FOCUS_WEIGHT * cosine(v, focus) for x, v in zip(scores, vectors)]
        ranked = memo.picks[key] = mmr(scores, vectors, rounds_for(k, words))
    return cands, units, ranked


def pick_source_sentences(corpus: Corpus, source_id: str, vec_of: Mapping, k: int,
                          memo: Optional[PickMemo] = None, focus: Optional[Mapping[str, float]] = None,
                          words: Optional[int] = None) -> list[Sentence]:
    """Up to ``k`` salient, mutually non-redundant content sentences of one source (or, with
    ``words``, as many as fit that length), cited, in source order."""
    cands, units, ranked = rank_source(corpus, source_id, vec_of, k, memo, focus, words)
    text = corpus.texts[source_id]
    picked = sorted(fit_source(ranked, [text[s.start : s.end] for s in cands], words))
    return [Sentence(text=text[cands[i].start : cands[i].end], citations=cite_unit(corpus.texts, units[i], first=cands[i]))
            for i in picked]


def source_leads(corpus: Corpus, vec_of: Mapping, options: SummaryOptions, focus: Optional[Mapping[str, float]]) -> Leads:
    """Each source's best sentences, as the per-source summaries of ``options`` rank them (for
    coverage, when the consolidated summary is made without them: the LLM backend's fill)."""
    k = options.per_source_sentences
    words = per_source_words(options.words, k, options.consolidated_sentences)
    memo = PickMemo()
    out: dict[str, list[tuple[SourceSentence, Unit]]] = {}
    for d in corpus.documents:
        cands, units, ranked = rank_source(corpus, d.id, vec_of, k, memo, focus, words)
        out[d.id] = [(cands[i], units[i]) for i in ranked[:MAX_OFFERS]]
    return out


def fit_source(ranked: list[int], texts: Sequence[str], words: Optional[int]) -> list[int]:
    """The ranked candidates a per-source summary keeps: all of them, or those fitting ``words``."""
    if words is None:
        return ranked
    return [ranked[i] for i in fit_words([len(texts[j].split()) for j in ranked], words)]


def on_period(units: list[Unit], skip_sources: Collection[str]) -> list[Unit]:
    """``units`` less those only sources about another period state (all of them if none is left)."""
    if not skip_sources:
        return units
    return [u for u in units if not all(sid in skip_sources for sid in u.source_ids)] or units


def consolidate(corpus: Corpus, units: list[Unit], vec_of: Mapping, k: int, focus: Optional[Mapping[str, float]] = None,
                words: Optional[int] = None, skip_sources: Collection[str] = (), pairs: bool = False,
                leads: Optional[Leads] = None) -> list[Sentence]:
    """The ``k`` (or ``words``' worth of) most central, most widely stated units, none restating
    another, ordered by ``arrange.order`` (MMR against repeats). With ``pairs``, a sentence
    pointing back is a candidate with its antecedent; with ``leads`` (each source's best
    sentences), sources that add information contribute (``composition``)."""
    texts = corpus.texts
    units = on_period(units, skip_sources)

    def ok(s: SourceSentence) -> bool:
        return _eligible(texts[s.source_id][s.start : s.end])

    def pointing_back(s: SourceSentence) -> bool:
        return pairs and _dependent(texts[s.source_id][s.start : s.end])

    cands, antecedent = with_antecedents(corpus, units, ok, pointing_back)
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
    if focus:
        scores = [x + FOCUS_WEIGHT * cosine(v, focus) for x, v in zip(scores, vectors)]
    ranked = mmr(scores, vectors, rounds_for(k, words) + SPARE_PICKS)
    offers = coverage_offers(corpus, leads, skip_sources, ok) if leads is not None else []
    return finish_consolidated(corpus, [cands[i] for i in ranked], vec_of, k, words, antecedent, offers)


def finish_consolidated(corpus: Corpus, ranked: Sequence[Unit], vec_of: Mapping, k: int, words: Optional[int],
                        antecedent: Mapping[int, Unit], offers: Sequence[tuple[str, Sequence[Unit]]]) -> list[Sentence]:
    """The consolidated summary from the ranked units (``composition``): pairs with their
    antecedents, restated ones dropped, ``k`` sentences (or ``words``' worth), the contributions
    of the sources that ``offers`` their best sentences, in ``arrange.order``."""
    texts = corpus.texts
    rank_of = {d.id: i for i, d in enumerate(corpus.documents)}
    units = list(ranked)
    at = {u.id: i for i, u in enumerate(units)}
    picks: list[Pick] = []

    def position(u: Unit) -> int:
        if u.id not in at:
            at[u.id] = len(units)
            units.append(u)
        return at[u.id]

    pairs = {i: position(antecedent[u.id]) for i, u in enumerate(ranked) if u.id in antecedent}

    def candidates(offered: Sequence[tuple[str, list[int]]] = ()) -> Candidates:
        for r in range(len(picks), len(units)):
            s = units[r].canonical
            picks.append(Pick(s.source_id, s.index, texts[s.source_id][s.start : s.end], vec_of[units[r].id], r,
                              rank_of[s.source_id]))
        return Candidates(picks, [frozenset(u.source_ids) for u in units], len(ranked), pairs, offered)

    c = candidates()
    blocks = select(c, k, words)
    offers = [(sid, us) for sid, us in offers if us]
    want = set(sources_to_cover(c, blocks, [sid for sid, _ in offers], cover_limit(k, words)))
    if want:
        offered = [(sid, [position(u) for u in us]) for sid, us in offers if sid in want]
        blocks = cover(candidates(offered), blocks, k, words)
    dates = source_dates(corpus, [picks[i].source_id for b in blocks for i in b])
    return [_sentence(texts, units[i].canonical, units[i], lead=False) for i in reading_order(picks, blocks, *dates)]


def _sentence(texts: Mapping[str, str], s: SourceSentence, unit: Unit, lead: bool) -> Sentence:
    """``Sentence(text=..., citations=cite_unit(texts, unit, first=s if lead else None))``, with
    the citations given as dicts: validating them with the sentence is faster."""
    citations = [{"source_id": o.source_id, "start": o.start, "end": o.end, "text": texts[o.source_id][o.start : o.end]}
                 for o in cited_occurrences(unit, s if lead else None)]
    return Sentence(text=texts[s.source_id][s.start : s.end], citations=citations)


def source_summaries(corpus: Corpus, m: UnitMatrix, k: int, progress: Progress, eligible: np.ndarray,
                     focus: Mapping[str, float], words: Optional[int]) -> tuple[dict[str, list[Sentence]], Leads]:
    """``pick_source_sentences`` for every source, the scoring and MMR batched (``extractive_batch``),
    and each source's best sentences (the first ``MAX_OFFERS`` it ranks)."""
    sents, units, sizes = source_candidates(corpus, eligible)
    rows = np.fromiter((m.row_of[u.id] for u in units), dtype=np.int64, count=len(units))
    cands = source_scores(m, rows, sizes, m.focus_array(focus))
    picks, unsure = batched_mmr(cands, rounds_for(k, words), _LAMBDA, _MAX_SIMILAR)
    texts, memo = corpus.texts, PickMemo()
    out: dict[str, list[Sentence]] = {}
    leads: dict[str, list[tuple[SourceSentence, Unit]]] = {}
    first = np.concatenate(([0], np.cumsum(sizes)))
    for n, doc in enumerate(corpus.documents):
        if unsure[n]:  # a near tie: pick by the definition
            mine, mine_units, ranked = rank_source(corpus, doc.id, m.exact(), k, memo, focus, words)
            out[doc.id] = pick_source_sentences(corpus, doc.id, m.exact(), k, memo, focus, words)
        else:
            ranked = [i - int(first[n]) for i in picks[n]]
            mine, mine_units = sents[first[n] : first[n + 1]], units[first[n] : first[n + 1]]
            kept = fit_source(ranked, [texts[s.source_id][s.start : s.end] for s in mine]
                              if words is not None else [], words)  # the texts only to count words
            out[doc.id] = [_sentence(texts, mine[i], mine_units[i], lead=True) for i in sorted(kept)]
        leads[doc.id] = [(mine[i], mine_units[i]) for i in ranked[:MAX_OFFERS]]
        progress("summarize_source", {"source_id": doc.id, "done": n + 1, "total": len(corpus.documents)})
    return out, leads


def consolidated_summary(corpus: Corpus, m: UnitMatrix, units: list[Unit], k: int, eligible: np.ndarray,
                         pointing_back: np.ndarray, focus: Mapping[str, float], words: Optional[int],
                         skip_sources: Collection[str], leads: Leads) -> list[Sentence]:
    """``consolidate`` with pairs and coverage, the scoring and MMR in numpy (``extractive_batch``).
    ``eligible`` and ``pointing_back`` are per sentence of the corpus, in passage order."""
    units_now = on_period(units, skip_sources)

    def ok(s: SourceSentence) -> bool:
        return bool(eligible[corpus.passage_index(s)])

    cands, antecedent = with_antecedents(corpus, units_now, ok, lambda s: bool(pointing_back[corpus.passage_index(s)]))
    cands = cands or units_now
    rank_of = {d.id: i for i, d in enumerate(corpus.documents)}
    scored = consolidation_scores(m, cands, rank_of, m.focus_array(focus))
    picks, unsure = batched_mmr(scored, rounds_for(k, words) + SPARE_PICKS, _LAMBDA, _MAX_SIMILAR)
    if unsure[0]:  # a near tie: pick by the definition
        return consolidate(corpus, units, m.exact(), k, focus, words, skip_sources, pairs=True, leads=leads)
    offers = coverage_offers(corpus, leads, skip_sources, ok)
    return finish_consolidated(corpus, [cands[i] for i in picks[0]], m.exact(), k, words, antecedent, offers)


class ExtractiveBackend(Backend):
    name = "extractive"
    cpu_bound = True

    async def summarize(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        # CPU-bound: off the event loop (so a server stays responsive meanwhile) unless small.
        chars = sum(map(len, corpus.texts.values()))
        return await run_cpu_bound(chars, self.summarize_sync, corpus, options, progress)

    def summarize_sync(self, corpus: Corpus, options: SummaryOptions, progress: Progress) -> Draft:
        with gc_paused():  # many short-lived, cycle-free objects over a large live corpus
            units = [u for u in corpus.units if u.has_content]
            m = unit_matrix(corpus, units)
            everything = [s for d in corpus.documents for s in corpus.sentences[d.id]]  # passage order
            pointing_back = np.zeros(len(everything), dtype=bool)
            eligible = eligible_mask(corpus, everything, pointing_back)
            focus = m.focus_vector(focus_stems(options.focus))
            source_words = per_source_words(options.words, options.per_source_sentences, options.consolidated_sentences)
            per_source, leads = source_summaries(corpus, m, options.per_source_sentences, progress, eligible, focus,
                                                 source_words)
            scan = content_scan(corpus)  # the content sentences joined once, for periods and conflicts
            periods = period_split(corpus, scan)
            skip = off_period_sources(corpus, periods)
            consolidated = consolidated_summary(corpus, m, units, options.consolidated_sentences, eligible,
                                                pointing_back, focus, options.words, skip, leads)
            progress("consolidate", {"sentences": len(consolidated)})
            conflicts = find_conflicts(corpus, periods, scan) if options.find_conflicts else []
        return Draft(per_source, consolidated, conflicts, {"model": None, **length_stats(consolidated, options.words)})


def length_stats(sentences: Sequence[Sentence], words: Optional[int]) -> dict[str, object]:
    """With a length asked: the words given, and a warning when the sources could not fill it."""
    if words is None:
        return {}
    got = sum(len(s.text.split()) for s in sentences)
    stats: dict[str, object] = {"words_requested": words, "words": got}
    if got < words * 0.9:
        stats["warnings"] = [f"the sources hold only {got} words of summary sentences, short of the "
                             f"{words} asked (no padding added)"]
    return stats


def create_backend(settings: object, options: object) -> ExtractiveBackend:
    """The factory the backend registry binds "extractive" to (it needs no settings)."""
    return ExtractiveBackend()
