"""The fast extractive backend picks exactly what the plain definition picks.

The oracle is ``extractive_reference.py`` (the backend as first written). The fast one scores in
numpy for all sources at once and redoes a source by the definition when a decision is closer
than ``TOL``; these tests check the picks, the exact vectors the fallback uses, the vectorized
eligibility test and the pruned MMR, on random text with many exact ties (repeated sentences
and documents).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.backends import extractive, extractive_batch
from summarizer.backends.arrange import per_source_words
from summarizer.backends.extractive_batch import source_spread
from summarizer.evidence.periods import off_period_sources
from summarizer.config.options import SummaryOptions
from summarizer.contract.documents import Document
from summarizer.evidence import sentence_scan
from summarizer.prepare.corpus import prepare
from summarizer.progress import no_progress

from ..conftest import documents_text, messy_text
from . import extractive_reference as ref

# Documents that repeat each other and their own sentences, so scores tie exactly.
corpora = st.lists(documents_text(), min_size=1, max_size=5).flatmap(
    lambda texts: st.lists(st.sampled_from(texts), min_size=len(texts), max_size=len(texts) + 3)
)


def _draft(corpus, k_source, k_consolidated, focus=None, words=None):
    options = SummaryOptions(per_source_sentences=k_source, consolidated_sentences=k_consolidated,
                             find_conflicts=False, focus=focus, words=words)
    return extractive.ExtractiveBackend().summarize_sync(corpus, options, no_progress)


def _expected(corpus, k_source, k_consolidated, focus=None, words=None):
    vec = ref.unit_vectors(corpus)
    units = [u for u in corpus.units if u.content_occurrences]
    fvec = extractive.text_focus(corpus, focus)
    source_words = per_source_words(words, k_source, k_consolidated)
    per_source = {d.id: ref.pick_source_sentences(corpus, d.id, vec, k_source, fvec, source_words)
                  for d in corpus.documents}
    leads = {d.id: ref.best_sentences(corpus, d.id, vec, k_source, fvec, source_words) for d in corpus.documents}
    skip = off_period_sources(corpus)
    return per_source, ref.consolidate(corpus, units, vec, k_consolidated, fvec, words, skip, leads)


@given(corpora, st.integers(1, 5), st.integers(1, 8))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_picks_are_the_definitions(texts, k_source, k_consolidated):
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    draft = _draft(corpus, k_source, k_consolidated)
    per_source, consolidated = _expected(corpus, k_source, k_consolidated)
    assert draft.per_source == per_source
    assert draft.consolidated == consolidated


@given(corpora, st.integers(1, 5), st.integers(1, 8), st.sampled_from([None, "river town homes", "What did the council decide about the harbor?"]),
       st.sampled_from([None, 20, 45, 120]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_picks_with_focus_and_words_are_the_definitions(texts, k_source, k_consolidated, focus, words):
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    draft = _draft(corpus, k_source, k_consolidated, focus, words)
    per_source, consolidated = _expected(corpus, k_source, k_consolidated, focus, words)
    assert draft.per_source == per_source
    assert draft.consolidated == consolidated


# Sentences that stand alone and sentences that point back at the one before (pairs), and
# sources saying something the others do not (coverage).
_POOL = [
    "The river rose four metres over the night in the lower town.",
    "It flooded the lower town and the old market before dawn on Monday.",
    "He said the water had never been that high in living memory.",
    "People left their homes by boat before dawn, officials said on Monday.",
    "However, the old bridge over the river held through the night.",
    "The mayor asked the army for help with the boats and the pumps.",
    "They brought twelve boats and four pumps to the lower town.",
    "A fishing cooperative said the flood cost its members two million dollars.",
    "That is more than the cooperative earned in the whole of last year.",
    "Schools in the region stay closed until the water goes down again.",
]
_OWN = [
    "A volunteer group in the hills collected blankets and tinned food for three hundred families.",
    "Insurance companies expect claims worth about fifty million euros from shop owners downstream.",
    "Railway engineers closed the northern line after the embankment near the station gave way.",
    "The national weather office warned of more heavy rain over the mountains later this week.",
]
pooled = st.lists(
    st.tuples(st.lists(st.sampled_from(_POOL), max_size=6), st.lists(st.sampled_from(_OWN), max_size=2))
    .filter(lambda parts: parts[0] or parts[1]).map(lambda parts: "\n\n".join(parts[0] + parts[1])),
    min_size=1, max_size=6,
)


@given(pooled, st.integers(1, 4), st.integers(1, 8), st.sampled_from([None, 25, 60]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pairs_and_coverage_are_the_definitions(texts, k_source, k_consolidated, words):
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    draft = _draft(corpus, k_source, k_consolidated, words=words)
    per_source, consolidated = _expected(corpus, k_source, k_consolidated, words=words)
    assert draft.per_source == per_source
    assert draft.consolidated == consolidated


@given(corpora, st.integers(1, 5))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_exact_fallback_gives_the_same_picks(texts, k):
    # With a huge tolerance every decision counts as a near tie: every source is picked again by
    # the definition, from the vectors ``ExactVectors`` builds one unit at a time.
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    saved = extractive_batch.TOL
    extractive_batch.TOL = math.inf
    try:
        draft = _draft(corpus, k, k)
    finally:
        extractive_batch.TOL = saved
    per_source, consolidated = _expected(corpus, k, k)
    assert draft.per_source == per_source and draft.consolidated == consolidated


@given(corpora, st.integers(1, 64))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mmr_reading_the_entries_in_runs_picks_as_at_once(texts, block):
    """Runs of a few entries (a candidate's vector never split) give the picks and near ties of
    one run of every entry."""
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    units = [u for u in corpus.units if u.content_occurrences]
    m = extractive_batch.unit_matrix(corpus, units)
    sizes = np.array([len(units)], dtype=np.int64)
    rows = np.arange(len(units), dtype=np.int64)
    cands = extractive_batch.source_scores(m, rows, sizes)
    whole = extractive_batch.batched_mmr(cands, 4, 0.7, 0.6, block=1 << 20)
    runs = extractive_batch.batched_mmr(cands, 4, 0.7, 0.6, block=block)
    assert whole[0] == runs[0] and whole[1].tolist() == runs[1].tolist()


def test_an_exact_tie_is_decided_by_the_definition():
    # Two sources, each the same two sentences: the consolidated candidates tie exactly.
    text = "The river rose four metres over the night in the town.\nPeople left their homes by boat before dawn."
    corpus = prepare([Document("a", text), Document("b", text)])
    units = [u for u in corpus.units if u.content_occurrences]
    m = extractive_batch.unit_matrix(corpus, units)
    order = {d.id: i for i, d in enumerate(corpus.documents)}
    cands = extractive_batch.consolidation_scores(m, units, order)
    cands.score[:] = 1.0  # an exact tie between every candidate
    _, unsure = extractive_batch.batched_mmr(cands, 1, 0.7, 0.6)
    assert unsure.tolist() == [True]
    assert _draft(corpus, 2, 2).consolidated == _expected(corpus, 2, 2)[1]


@given(corpora)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_exact_vectors_are_the_definitions(texts):
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    units = [u for u in corpus.units if u.content_occurrences]
    exact = extractive_batch.unit_matrix(corpus, units).exact()
    want = ref.unit_vectors(corpus)
    assert set(exact) == set(want)
    for uid, vec in want.items():
        assert list(exact[uid].items()) == list(vec.items())  # same words, order and floats


@given(st.lists(st.one_of(messy_text, documents_text()), min_size=1, max_size=4), st.sampled_from([1, 64, 1 << 20]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_eligible_mask_is_the_definition(texts, block):
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts) if t.strip()]
    if not docs:
        return
    corpus = prepare(docs)
    sentences = [s for d in corpus.documents for s in corpus.sentences[d.id]]
    saved, sentence_scan.BLOCK_CHARS = sentence_scan.BLOCK_CHARS, block
    try:
        got = extractive_batch.eligible_mask(corpus, sentences).tolist()
    finally:
        sentence_scan.BLOCK_CHARS = saved
    assert got == [ref.eligible(corpus.texts[s.source_id][s.start : s.end]) for s in sentences]


@pytest.mark.parametrize("seed", range(40))
def test_pruned_mmr_is_the_greedy_definition(seed):
    rnd = random.Random(seed)
    n = rnd.randint(0, 30)
    words = [f"w{i}" for i in range(rnd.randint(1, 12))]
    vectors = []
    for _ in range(n):
        vec = {w: rnd.choice([0.2, 0.5, 1.0, rnd.random()]) for w in rnd.sample(words, rnd.randint(0, len(words)))}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    scores = [rnd.choice([0.5, 1.0, rnd.random()]) for _ in range(n)]  # many exact ties
    for k in (1, 3, 8, 40):
        assert extractive.mmr(scores, vectors, k) == ref.mmr(scores, vectors, k)


def test_pruned_mmr_keeps_the_earlier_of_two_equal_values():
    # Candidate 0's value (no redundancy) equals candidate 2's (redundancy 0.5 with the first
    # pick) exactly, though its score is lower: the earlier index must win, as in the definition.
    target = extractive._LAMBDA * 1.0 - (1 - extractive._LAMBDA) * 0.5
    s0 = target / extractive._LAMBDA
    while extractive._LAMBDA * s0 != target:
        s0 = math.nextafter(s0, 1.0 if extractive._LAMBDA * s0 < target else 0.0)
    vectors = [{"z": 1.0}, {"x": 1.0}, {"x": 0.5, "y": math.sqrt(0.75)}]
    scores = [s0, 2.0, 1.0]
    assert ref.mmr(scores, vectors, 2) == [1, 0]
    assert extractive.mmr(scores, vectors, 2) == [1, 0]


@given(corpora)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_exact_vectors_are_the_definitions_bit_for_bit(texts):
    """``ExactVectors`` takes each word's idf from its id: every vector is ``unit_vectors``'
    (same words in the same order, same floats)."""
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts)])
    units = [u for u in corpus.units if u.content_occurrences]
    exact = extractive_batch.unit_matrix(corpus, units).exact()
    want = extractive.unit_vectors(corpus)
    for u in reversed(units):  # in any order: the idfs worked out for one unit serve the next
        assert list(exact[u.id].items()) == list(want[u.id].items())


@given(st.lists(st.tuples(st.sets(st.integers(0, 9), max_size=5), st.sets(st.integers(0, 5), min_size=1, max_size=4)),
                max_size=25),
       st.integers(1, 40))
@settings(max_examples=300, deadline=None)
def test_source_spread_counts_each_words_distinct_sources(cands, block):
    """Per word, the distinct sources of the candidates holding it, however the pairs are blocked."""
    words = [sorted(w) for w, _ in cands]
    sources = [sorted(s) for _, s in cands]
    expected = [len({s for ws, ss in zip(words, sources) if w in ws for s in ss}) for w in range(10)]
    got = source_spread(np.array([w for ws in words for w in ws], dtype=np.int64),
                        np.array([len(ws) for ws in words], dtype=np.int64),
                        np.array([len(ss) for ss in sources], dtype=np.int64),
                        np.array([s for ss in sources for s in ss], dtype=np.int64), 10, block)
    assert got.tolist() == expected
