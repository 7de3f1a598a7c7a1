"""The fast lexical tools give exactly what their plain definitions give.

Each test states the definition as the obvious loop (the code as first written) and compares on
random input: the same floats bit for bit, the same pairs in the same order, the same sentences.
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from summarizer.contract.documents import Document
from summarizer.evidence import analysis, conflicts, periods, places, sentence_scan, textstats
from summarizer.prepare.corpus import prepare
from summarizer.prepare.spans import SourceSentence

from ..conftest import documents_text, messy_text

texts_strategy = st.lists(st.one_of(messy_text, documents_text(), st.text(max_size=60)), min_size=1, max_size=5)
SPECIAL = ["May", "March", "month", "MONTH", "Mo", "nth", "19", "20", "2019", "1920", "٣", "5", " ", ". ",
           "\n", "x", "é", "Jan", "uary", "January", "in", "since the start of the war on February 24. ",
           "six months into the war", "3 months-old conflict", "early May", "May 5", "may go"]
special_text = st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=60).map("".join)


def _corpus(texts):
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts) if t.strip()]
    return prepare(docs) if docs else None


# --- textstats ---------------------------------------------------------------------------------

def _vector_by_loops(idf, bag):
    vec = {w: (1 + math.log(c)) * idf.get(w, 1.0) for w, c in bag.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def _cosine_by_loops(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _centroid_by_loops(vectors):
    acc = {}
    for vec in vectors:
        for w, v in vec.items():
            acc[w] = acc.get(w, 0.0) + v
    norm = math.sqrt(sum(v * v for v in acc.values())) or 1.0
    return {w: v / norm for w, v in acc.items()}


@pytest.mark.parametrize("seed", range(60))
def test_vectors_cosines_and_centroids_are_the_loops_bit_for_bit(seed):
    rnd = random.Random(seed)
    words = [[f"w{rnd.randrange(30)}" for _ in range(rnd.randint(0, 400 if seed % 10 == 0 else 25))]
             for _ in range(rnd.randint(1, 8))]
    tfidf = textstats.TfIdf.of_words(words)
    for bag, vec in zip(tfidf.bags, tfidf.vectors):
        assert list(vec.items()) == list(_vector_by_loops(tfidf.idf, bag).items())
    for a in tfidf.vectors:
        for b in tfidf.vectors:
            got, want = textstats.cosine(a, b), _cosine_by_loops(a, b)
            assert got == want and type(got) is type(want)
    assert list(textstats.centroid(tfidf.vectors).items()) == list(_centroid_by_loops(tfidf.vectors).items())


@given(st.lists(st.one_of(messy_text, st.text(max_size=40)), max_size=8))
@settings(max_examples=200, deadline=None)
def test_content_words_many_is_content_words(texts):
    assert textstats.content_words_many(texts) == [textstats.content_words(t) for t in texts]


def _similar_pairs_by_loops(word_sets, cap, min_similarity):
    df = Counter(w for ws in word_sets for w in ws)
    index = {}
    for i, ws in enumerate(word_sets):
        for w in ws:
            if df[w] <= cap:
                index.setdefault(w, []).append(i)
    seen = set()
    for members in index.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                sim = textstats.jaccard(word_sets[i], word_sets[j])
                if sim >= min_similarity:
                    yield i, j, sim


@pytest.mark.parametrize("seed", range(300))
def test_similar_pairs_are_the_index_loops_in_the_same_order(seed):
    rnd = random.Random(seed)
    vocab, n = rnd.randint(1, 30), rnd.randint(0, 25)
    sets = [set(f"w{rnd.randrange(vocab)}" for _ in range(rnd.randint(0, 8))) for _ in range(n)]
    for k in range(1, n):  # some positions share one set object, as ``WordLists.sets`` gives
        if rnd.random() < 0.3:
            sets[k] = sets[rnd.randrange(k)]
    cap, floor = rnd.randint(0, 10), rnd.choice([0.0, 0.2, 0.3, 0.5, 1.0])
    assert list(textstats.similar_pairs(sets, cap, floor)) == list(_similar_pairs_by_loops(sets, cap, floor))


@pytest.mark.parametrize("seed", range(300))
def test_most_similar_pairs_are_the_first_accepted_of_all_pairs_sorted(seed):
    rnd = random.Random(seed)
    vocab, n = rnd.randint(1, 30), rnd.randint(0, 25)
    sets = [set(f"w{rnd.randrange(vocab)}" for _ in range(rnd.randint(0, 8))) for _ in range(n)]
    for k in range(1, n):
        if rnd.random() < 0.3:
            sets[k] = sets[rnd.randrange(k)]
    cap, floor, limit = rnd.randint(0, 10), rnd.choice([0.0, 0.2, 0.3, 0.5, 1.0]), rnd.randint(1, 4)
    accepted = {(i, j) for i in range(n) for j in range(i + 1, n) if rnd.random() < rnd.choice([0.05, 0.3, 1.0])}
    every = sorted(_similar_pairs_by_loops(sets, cap, floor), key=lambda p: -p[2])
    want = [(i, j) for i, j, _ in every if (i, j) in accepted][:limit]
    for at_once in (0, textstats.ALL_AT_ONCE):  # level by level, and all pairs at once
        asked = []
        saved, textstats.ALL_AT_ONCE = textstats.ALL_AT_ONCE, at_once
        try:
            got = textstats.most_similar_pairs(sets, cap, floor, lambda i, j: asked.append((i, j)) or (i, j) in accepted,
                                               limit)
        finally:
            textstats.ALL_AT_ONCE = saved
        assert got == want
        assert all(type(x) is int for p in got + asked for x in p)  # positions as Python ints
        assert len(asked) == len(set(asked))  # each pair judged once


@given(texts_strategy)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_content_word_ids_are_content_words_with_or_without_dedup_words(texts):
    corpus = _corpus(texts)
    if corpus is None:
        return
    sentences = [s for d in corpus.documents for s in corpus.sentences[d.id]]
    want = [textstats.content_words(corpus.texts[s.source_id][s.start : s.end]) for s in sentences]
    for c in (corpus, dataclasses.replace(corpus, words=None)):
        lists = textstats.content_word_ids(c, sentences)
        assert [lists.words(k) for k in range(len(sentences))] == want
        sets = lists.sets()
        assert [list(x) for x in sets] == [list(set(w)) for w in want]  # same sets, same iteration order


# --- sentence_scan -----------------------------------------------------------------------------

@given(st.lists(st.one_of(special_text, messy_text), min_size=1, max_size=4), st.sampled_from([1, 7, 1 << 20]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scans_answer_as_a_search_in_each_sentence_would(texts, block):
    corpus = _corpus(texts)
    if corpus is None:
        return
    sentences = [s for d in corpus.documents for s in corpus.sentences[d.id]]
    cut = [corpus.texts[s.source_id][s.start : s.end] for s in sentences]
    saved, sentence_scan.BLOCK_CHARS = sentence_scan.BLOCK_CHARS, block
    try:
        assert sentence_scan.holding_digit(corpus, sentences).tolist() == [bool(re.search(r"\d", t)) for t in cut]
        year = re.compile(r"(?:19|20)\d\d")
        assert sentence_scan.holding_year_digits(corpus, sentences).tolist() == [bool(year.search(t)) for t in cut]
        hints = (periods._MONTH_NAME, periods._MONTH_WORD)
        for p in hints:
            assert sentence_scan.holding(corpus, sentences, p).tolist() == [bool(p.search(t)) for t in cut]
        assert sentence_scan.holding(corpus, sentences, *hints).tolist() == [
            any(p.search(t) for p in hints) for t in cut]
        # From the chunk table: whitespace-free matches, a lookbehind reading whitespace as a start.
        scan = sentence_scan.Scan(corpus, sentences)
        for p in (*hints, places._MAY_HOLD_DIRECTION, re.compile(r"\b[A-Z]\w*\b")):
            assert scan.holding_in_chunks(p).tolist() == [bool(p.search(t)) for t in cut]
    finally:
        sentence_scan.BLOCK_CHARS = saved


YEARISH = ["2022", "1999", "20", "19", "2", "x", "_", "é", "٢٠٢٢", "20٢٢", " ", "-", "\n", ". "]


@given(st.lists(st.lists(st.sampled_from(YEARISH), min_size=1, max_size=30).map("".join), min_size=1, max_size=3),
       st.randoms(use_true_random=False), st.sampled_from([1, 9, 1 << 20]))
@settings(max_examples=300, deadline=None)
def test_scan_years_are_the_matches_in_each_sentence_cut_anywhere(texts, rnd, block):
    # Sentences cut at random, even inside a word: a year's \b at a sentence's edge is that edge.
    corpus = _corpus(texts)
    if corpus is None:
        return
    sentences = []
    for d in corpus.documents:
        cuts = sorted({0, len(d.text), *(rnd.randint(0, len(d.text)) for _ in range(rnd.randint(0, 6)))})
        spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if rnd.random() < 0.8]
        sentences += [SourceSentence(d.id, i, a, b, 0) for i, (a, b) in enumerate(spans)]
    saved, sentence_scan.BLOCK_CHARS = sentence_scan.BLOCK_CHARS, block
    try:
        got = sentence_scan.Scan(corpus, sentences).years()
    finally:
        sentence_scan.BLOCK_CHARS = saved
    want = [(k, int(m.group(0))) for k, s in enumerate(sentences)
            for m in conflicts._YEAR.finditer(corpus.texts[s.source_id][s.start : s.end])]
    assert got == want


def test_the_month_hints_never_overlap_so_holding_applies():
    # ``holding`` needs patterns whose matches cannot overlap: no literal's end is another's start.
    literals = periods.MONTHS + ["month"]
    for a in literals:
        for b in literals:
            for k in range(1, min(len(a), len(b)) + (a != b)):
                assert a[-k:].lower() != b[:k].lower() or (a == b and k == len(a)), (a, b, k)


# --- conflicts and periods ---------------------------------------------------------------------

def _markers_by_loops(corpus):
    texts = corpus.texts
    start_month = None
    raw = {}
    for doc in corpus.documents:
        raw[doc.id] = [(s, texts[doc.id][s.start : s.end]) for s in corpus.sentences[doc.id] if s.junk is None]
        for _, t in raw[doc.id]:
            m = periods._START_RE.search(t)
            if m and start_month is None:
                start_month = periods.MONTHS.index(m.group(1)) + 1
    out = {}
    for sid, sents in raw.items():
        markers = []
        for s, t in sents:
            markers += [periods.Marker(month, s, name) for month, name in periods.months_in(t)]
            for m in periods._AGE_RE.finditer(t):
                n = m.group(1).lower()
                months = int(n) if n.isdigit() else periods._NUMWORDS[n]
                if start_month is not None:
                    markers.append(periods.Marker((start_month - 1 + months) % 12 + 1, s, m.group(0)))
        out[sid] = markers
    return out


@given(st.lists(st.one_of(special_text, documents_text()), min_size=1, max_size=5))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_time_markers_are_found_as_by_searching_every_sentence(texts):
    corpus = _corpus(texts)
    if corpus is not None:
        assert periods.source_markers(corpus) == _markers_by_loops(corpus)


@pytest.mark.parametrize("seed", range(100))
def test_nearest_other_month_is_the_pairwise_minimum(seed):
    rnd = random.Random(seed)
    latest = {f"s{i}": periods.Marker(rnd.randint(1, 12), None, "") for i in range(rnd.randint(3, 12))}
    want = {sid: min(abs(m.month - o.month) for oid, o in latest.items() if oid != sid) for sid, m in latest.items()}
    assert periods._nearest_other(latest) == want


@given(st.lists(st.one_of(special_text, documents_text()), min_size=1, max_size=5))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_number_sentences_and_year_mentions_are_the_per_sentence_definitions(texts):
    corpus = _corpus(texts)
    if corpus is None:
        return
    texts_of = corpus.texts
    content = [s for ss in corpus.sentences.values() for s in ss if s.junk is None]
    with_numbers = [s for s in content if textstats.numbers(texts_of[s.source_id][s.start : s.end])]
    sents, words = conflicts._sentences_with_numbers(corpus, sentence_scan.content_scan(corpus))
    assert sents == with_numbers
    cut = [texts_of[s.source_id][s.start : s.end] for s in sents]
    assert [list(w) for w in words] == [list(set(textstats.content_words(t))) for t in cut]
    years = Counter()
    for s in content:
        years.update({int(m.group(0)) for m in conflicts._YEAR.finditer(texts_of[s.source_id][s.start : s.end])})
    assert conflicts._year_mentions(corpus, sentence_scan.content_scan(corpus)) == years
    assert corpus.content_passages().tolist() == [corpus.passage_index(s) for s in content]


# --- conflicts found without analysing every candidate -----------------------------------------

TOWNS = ["Marlow", "Kharkiv", "Leeds", "the capital"]
DIRECTIONS = ["northern", "south-east", "eastern", "West", "nORTH", "western", "north-westerly", "feast", "northn't"]


@st.composite
def figure_stories(draw):
    """Documents retelling one story with figures changed, so pairs conflict again and again."""
    docs = []
    for _ in range(draw(st.integers(2, 6))):
        sents = []
        for _ in range(draw(st.integers(1, 5))):
            n = draw(st.sampled_from(["12", "15", "120", "300", "1,200", "twelve", "one"]))
            thing = draw(st.sampled_from(["homes", "people", "bridges"]))
            town = draw(st.sampled_from(TOWNS))
            where = draw(st.sampled_from(DIRECTIONS))
            sents.append(f"The storm destroyed {n} {thing} in the {where} town of {town} on Tuesday, officials said.")
        docs.append(" ".join(sents) + "\n")
    return docs


def _figure_conflicts_by_definition(corpus):
    """Every cross-source pair analysed, sorted by similarity, the first three (the code as first written)."""
    texts = corpus.texts
    sents, words = conflicts._sentences_with_numbers(corpus, sentence_scan.content_scan(corpus))
    cap = max(3, min(len(corpus.documents) * 2, conflicts.MAX_POSTING))
    scored = []
    for i, j, sim in textstats.similar_pairs(words, cap, 0.3):
        a, b = sents[i], sents[j]
        ta, tb = texts[a.source_id][a.start : a.end], texts[b.source_id][b.start : b.end]
        if a.source_id != b.source_id and places.figures_conflict(analysis.analyse(ta), analysis.analyse(tb)):
            scored.append((sim, a, b))
    scored.sort(key=lambda t: -t[0])
    return [(a, b) for _, a, b in scored[: conflicts._MAX_PAIRS]]


def _directions_by_definition(corpus):
    texts = corpus.texts
    return [(s, found) for d in corpus.documents for s in corpus.sentences[d.id] if s.junk is None
            for found in places.directions(analysis.analyse(texts[d.id][s.start : s.end]))]


DIRECTION_PIECES = ["north", "South", "east", "westward", "nORTH", "feast", "x", "é", "5", "-", ".", ". ", "\n\n",
                    "Kharkiv", "city", "of", " ", "eaſt", "(", "Paris. ", "İ", "EAST", "wEST", "sOuth"]
direction_text = st.lists(st.sampled_from(DIRECTION_PIECES), min_size=1, max_size=40).map("".join)


@given(st.one_of(figure_stories(), st.lists(st.one_of(special_text, documents_text(), direction_text), min_size=1,
                                            max_size=5)))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_figure_and_direction_conflicts_are_the_definitions(texts):
    corpus = _corpus(texts)
    if corpus is None:
        return
    want = _figure_conflicts_by_definition(corpus)
    got = [s for s in conflicts._number_conflicts(corpus, sentence_scan.content_scan(corpus))]
    assert [[(c.source_id, c.start, c.end) for c in s.citations] for s in got] == [
        [(a.source_id, a.start, a.end), (b.source_id, b.start, b.end)] for a, b in want]
    texts_of = corpus.texts
    found = []
    for d in corpus.documents:
        held = places.may_hold_direction(texts_of[d.id], corpus.sentences[d.id])
        assert held == [s for s in corpus.sentences[d.id] if s.junk is None
                        and places._MAY_HOLD_DIRECTION.search(texts_of[d.id][s.start : s.end])]
        for s in held:
            text = texts_of[d.id][s.start : s.end]
            found += [(s, x) for x in places.directions_in(text, analysis.tokenize(text))]
    assert found == _directions_by_definition(corpus)
    assert list(places._sentences_with_direction(corpus)) == [
        s for d in corpus.documents for s in corpus.sentences[d.id]
        if s.junk is None and places._MAY_HOLD_DIRECTION.search(texts_of[d.id][s.start : s.end])]


LOCAL_PIECES = ["north", "South", "east", "west", "ern", "erly", "-", "nORTH", "Kharkiv", "Paris", "the", "city", "of",
                " ", "  ", "\n", "\u00a0", "\u202f", "5", "000", ", ", ",", "May", "_", "'s", "’", "n't", "U.S.", "a.",
                "(", ".", "x", "é", "٣", "mid", "feast", "eaſt"]
# Mostly words apart (the window after a direction word holds up to four tokens), sometimes glued.
local_text = st.one_of(
    st.lists(st.sampled_from(LOCAL_PIECES), min_size=1, max_size=50).map("".join),
    st.lists(st.tuples(st.sampled_from(LOCAL_PIECES + ["city", "of", "the", "northern", "feast", "mid-north"]),
                       st.sampled_from([" ", " ", " ", "", "-", ", ", "\n"])), min_size=1, max_size=30)
    .map(lambda pieces: "".join(p + sep for p, sep in pieces)),
)


@given(st.one_of(local_text, direction_text, messy_text))
@example("north of the city Kharkiv, feast north Paris, mid-north Lviv, 5 000north Paris")
@example("May 5, 000 north of Lviv; the nORTH's Kharkiv")
@settings(max_examples=1000, deadline=None)
def test_directions_read_around_candidates_are_those_of_the_whole_tokenization(text):
    assert places.directions_of_text(text) == places.directions_in(text, analysis.tokenize(text))


@given(st.one_of(local_text, messy_text), st.data())
@settings(max_examples=300, deadline=None)
def test_tokens_from_a_token_start_are_the_whole_tokenization_from_there(text, data):
    toks = analysis.tokenize(text)
    starts = [k for k, t in enumerate(toks) if t.kind != "num"]  # a number's split depends on the token before
    if not starts:
        return
    k = data.draw(st.sampled_from(starts))
    got = [(t.kind, t.text, t.start, t.end) for t in analysis.tokens_from(text, toks[k].start)]
    assert got == [(t.kind, t.text, t.start, t.end) for t in toks[k:]]


def _alias_keys_by_loops(lows):
    out = set()
    for i in range(len(lows)):
        for n in range(1, analysis._ALIAS_MAX + 1):
            canon = analysis.ALIASES.get(tuple(lows[i : i + n]))
            if canon:
                out.add(canon)
    return out


ALIAS_WORDS = sorted({w for key in analysis.ALIASES for w in key}) + ["the", "of", "x", ""]


@given(st.lists(st.sampled_from(ALIAS_WORDS), max_size=12))
@settings(max_examples=500, deadline=None)
def test_alias_keys_are_every_phrase_looked_up(lows):
    assert analysis.alias_keys(lows) == _alias_keys_by_loops(lows)


@given(st.one_of(direction_text, local_text, messy_text))
@settings(max_examples=500, deadline=None)
def test_direction_starts_are_the_regex_matches(text):
    assert places.direction_starts(text) == [m.span() for m in places._MAY_START_DIRECTION.finditer(text)]


def _first_disagreement_by_loops(hits):
    for i, (source, where) in enumerate(hits):
        for j in range(i + 1, len(hits)):
            if hits[j][0] != source and not places.compatible(where, hits[j][1]):
                return i, j
    return None


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["N", "S", "E", "W", "NE", "NW", "SE", "SW"])),
                max_size=30))
@settings(max_examples=1000, deadline=None)
def test_first_disagreement_is_the_pairwise_search(hits):
    assert places.first_disagreement(hits) == _first_disagreement_by_loops(hits)


# --- grounding: support-only checks ------------------------------------------------------------

CLAIM_WORDS = ("the army city border forces said Monday Kharkiv Russian Ukraine troops river bridge mayor "
               "people returning battle over war region officials report shows new not never 5 five 2022 "
               "Kyiv Kiev Kharkov America US United States Zelensky retook retaken well-known well known north-east "
               "northeast , and but .").split()
claim_like = st.lists(st.sampled_from(CLAIM_WORDS), min_size=1, max_size=16).map(" ".join)


pseudo_words = st.lists(st.text("bcdfgklmnprstvz", min_size=3, max_size=4).map(lambda w: w[:2] + "a" + w[2:]),
                        min_size=3, max_size=9).map(" ".join)


@given(st.lists(st.one_of(claim_like, pseudo_words, documents_text()), min_size=1, max_size=8), st.data())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_support_only_checks_say_supported_exactly_when_the_full_check_does(texts, data):
    """``supports`` and ``check_each(support_only=True)`` skip judging a claim that no choice of
    passages could cover enough: whether a claim is supported is the full check's answer, and a
    supported verdict is the full one."""
    from summarizer.evidence.grounding import Grounder, Passage

    passages = [Passage(t, f"d{i % 3}", i * 1000) for i, t in enumerate(texts)]
    # A claim from the passages' own words: half of one passage and half of another, reordered.
    mixed = st.tuples(st.sampled_from(texts), st.sampled_from(texts), st.randoms(use_true_random=False)).map(
        lambda x: " ".join(x[2].sample(x[0].split(), len(x[0].split()) // 2 + 1) + x[1].split()[: len(x[1].split()) // 2]))
    # A claim whose clauses come from different passages: supported by several together only.
    clauses = st.lists(st.sampled_from(texts).flatmap(lambda t: st.lists(st.sampled_from(t.split() or ["x"]), min_size=1,
                                                                          max_size=6)), min_size=2, max_size=3)
    spliced = clauses.map(lambda cs: " ; ".join(" ".join(c) for c in cs))
    claim = data.draw(st.one_of(claim_like, mixed, spliced, st.sampled_from(texts)))
    indices = st.lists(st.integers(0, len(texts) - 1), max_size=len(texts)).map(set)
    groups = data.draw(st.lists(st.one_of(st.none(), indices), min_size=1, max_size=4))
    full = [Grounder(passages).check(claim, only=g) for g in groups]
    fast = list(Grounder(passages).check_each(claim, groups, support_only=True))
    assert [v.supported for v in fast] == [v.supported for v in full]
    assert [v for v in fast if v.supported] == [v for v in full if v.supported]
    shared = Grounder(passages)
    assert [shared.supports(claim, g) for g in groups] == [v.supported for v in full]


@pytest.mark.parametrize("claim", ["zarp kalt mabs ; dask pelm tarv", "zarp mabs vorn ; pelm tarv gosk ; vask tilb",
                                   "zarp kalt mabs ; dask pelm tarv ; gorn vask tilb",
                                   "zarp kalt mabs ; dask pelm tarv ; gorn vask tilb ; lorp nisk farb ; brun selk dorm"])
def test_support_only_checks_see_support_shared_by_several_passages(claim):
    """Each clause from another passage, the best of them not covering half of the claim alone
    (a third of it, a fifth)."""
    from summarizer.evidence.grounding import Grounder, Passage

    passages = [Passage(t, sid) for t, sid in [("The zarp kalt mabs vorn.", "a"), ("The dask pelm tarv gosk.", "b"),
                                                ("The gorn vask tilb.", "c"), ("The lorp nisk farb.", "d"),
                                                ("The brun selk dorm.", "e"), ("Other words here.", "c")]]
    full = Grounder(passages).check(claim)
    assert full.supported and len(full.passages) >= 2
    assert Grounder(passages).supports(claim)
    assert next(Grounder(passages).check_each(claim, [None], support_only=True)) == full


@pytest.mark.parametrize("claim", ["Kharkiv kalt", "The kalt in Kharkiv", "zarp-kalt vorn", "The zarp-kalt mabs"])
def test_support_only_checks_count_words_matched_by_alias_or_by_parts(claim):
    """A word no passage holds as such may match by its alias ("Kharkov") or its parts ("zarp
    kalt"): the bound taken before reading the claim counts it."""
    from summarizer.evidence.grounding import Grounder, Passage

    passages = [Passage(t, sid) for t, sid in [("The Kharkov kalt vorn.", "a"), ("The zarp kalt mabs vorn.", "b"),
                                                ("Other words here.", "c")]]
    assert Grounder(passages).check(claim).supported
    assert Grounder(passages).supports(claim) and Grounder(passages).supports(claim, [0, 1])
