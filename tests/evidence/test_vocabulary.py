"""The attribution shortcuts give exactly what the full engine gives.

``word_profile`` must equal ``analyse``'s bag, lower_words and names; the attribution grounder
(candidate passages and their neighbours, weighed by the whole corpus' ``Vocabulary``) must
attribute every sentence exactly as a grounder over every passage does.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.contract.documents import Document
from summarizer.contract.result import Citation
from summarizer.evidence.analysis import analyse, word_profile
from summarizer.evidence.attribution import attribute
from summarizer.evidence import sources
from summarizer.evidence.grounding import Grounder
from summarizer.evidence.sources import attribution_setup, corpus_grounder
from summarizer.evidence.vocabulary import Vocabulary
from summarizer.prepare.chunks import sentence_chunks
from summarizer.prepare.corpus import prepare

from ..conftest import documents_text, messy_text

WORDS = ["The", "bridge", "reopened", "on", "Tuesday", "after", "repairs", "costing", "four", "million", "pounds",
         "U.S.", "UN", "don't", "O'Brien’s", "well-known", "$350", "5,", "200", "“Hello", "there.”", "(Reuters)",
         "not", "never", "Kharkiv", "Kharkov", "city", "Ukraine’s", "forces", "said", ".", ",", "\n", "May"]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=40).map(" ".join)
# Pieces whose tokens depend on what is around them: numbers spanning whitespace ("5, 000",
# "1 234"), sentence openers before a name, chunks without a token ("_"), letters that are not
# ASCII ("½", "Σ").
PIECES = ["5", "000", "1", "234", ".5", ",", ".", "(", "“", "Smith", "smith", "_", "½", "ΟΔΟΣ", "x.y.", "Z",
          "U.S.", "May", "n't", "-", "'s", "Paris", "cities", "City", "organisations", "organized", "won't", "fell",
          "falls", "$", "dollars", "US", "us", "north-east", "Northeast", "relational", "relate"]
GLUES = ["", " ", ", ", "\n", "\u00a0", "\u202f", "  "]
glued = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GLUES)), min_size=1, max_size=30).map(
    lambda ps: "".join(p + g for p, g in ps))


@given(st.one_of(phrases, glued, messy_text, st.text(max_size=80)))
@settings(max_examples=600, deadline=None)
def test_word_profile_is_analyses_words(text):
    a = analyse(text)
    assert word_profile(text) == (a.bag, a.lower_words, a.names)


@given(st.lists(st.one_of(phrases, documents_text()), min_size=2, max_size=6), st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_the_attribution_grounder_attributes_as_the_full_grounder(texts, data):
    corpus = prepare([Document(f"d{i}", t) for i, t in enumerate(texts) if t.strip()] or [Document("d0", "x")])
    full = corpus_grounder(corpus)
    if not full.passages:
        return
    picked = data.draw(st.lists(st.integers(0, len(full.passages) - 1), min_size=1, max_size=3))
    claims = [full.passages[i] for i in picked]
    others = data.draw(st.lists(st.one_of(phrases, glued), max_size=2))  # claims written elsewhere
    for read_whole in (0, sources.READ_WHOLE):  # the vocabulary for the claims only, and the whole one
        sources.READ_WHOLE, kept = read_whole, sources.READ_WHOLE
        try:
            fast, _ = attribution_setup(corpus, [p.text for p in claims])
            setup, maybe = sources.attribution_setup(corpus, [p.text for p in claims] + others)
        finally:
            sources.READ_WHOLE = kept
        # The sources that may support each claim, found on the way, are the grounder's answers.
        assert maybe == [setup.sources_that_may_support(t) for t in [p.text for p in claims] + others]
        # Its index is the one its passages' words give, as far as the claims' words go.
        whole = Grounder(fast.passages)
        for p in claims:
            for t in analyse(" ".join(p.text.split())).toks:
                for s in (t.stem, *t.parts) if t.content else ():
                    assert fast.index.get(s, []) == whole.index.get(s, [])
        # Its passages are the corpus' own, in the corpus' order (each source's in text order).
        order = {p: k for k, p in enumerate(full.passages)}
        assert all(p in order for p in fast.passages)
        assert [order[p] for p in fast.passages] == sorted(order[p] for p in fast.passages)
        for p in claims:
            own = [Citation(source_id=p.source_id, start=p.start, end=p.start + len(p.text), text=p.text)]
            assert attribute(fast, p.text, own) == attribute(full, p.text, own)
        for p, may in zip(claims, maybe):
            own = [Citation(source_id=p.source_id, start=p.start, end=p.start + len(p.text), text=p.text)]
            assert attribute(setup, p.text, own, may) == attribute(full, p.text, own)


DIRECTION_WORDS = ["north", "northeastern", "South-West", "east", "western", "least", "5east", "x_west", "Kharkiv",
                   "the", "city", "of", "region", "NORTHERN", "nOrth", "-", "(", "Paris", "southerly", "feast"]


@given(st.lists(st.sampled_from(DIRECTION_WORDS), min_size=1, max_size=12).map(lambda ws: "".join(
    w + (" " if i % 3 else "") for i, w in enumerate(ws))))
@settings(max_examples=300, deadline=None)
def test_direction_prefilter_never_skips_a_direction(text):
    from summarizer.evidence.places import _MAY_HOLD_DIRECTION, directions

    if directions(analyse(text)):
        assert _MAY_HOLD_DIRECTION.search(text)


@given(st.lists(st.one_of(phrases, glued, documents_text(), st.text(max_size=40)), min_size=1, max_size=8), st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_a_vocabulary_for_claims_answers_as_the_whole_one_about_them(texts, data):
    claims = data.draw(st.lists(st.one_of(st.sampled_from(texts), phrases, glued, st.text(max_size=30)),
                                min_size=1, max_size=3))
    whole, mine = Vocabulary.of(texts), Vocabulary.for_claims(texts, claims)
    assert Vocabulary.of_claims(texts, claims) == mine  # read whole, as far as the claims go
    table = sentence_chunks(texts)
    assert Vocabulary.for_claims_in(table, table.row, claims) == mine  # from the run's chunk table
    assert mine.max_idf == whole.max_idf
    for claim in claims:
        for t in analyse(" ".join(claim.split())).toks:
            if t.content:
                for s in (t.stem, *t.parts):
                    assert mine.weight(s) == whole.weight(s)
                    assert mine.index.get(s) == whole.index.get(s)
            if t.cap:
                assert (t.low in mine.names, t.low in mine.lower_words) == (t.low in whole.names, t.low in whole.lower_words)
        assert mine.may_support(claim, 0.5) == whole.may_support(claim, 0.5)


WRITTEN_APART = [("city", "cities"), ("organize", "organisations"), ("relation", "relational"), ("fall", "fell"),
                 ("dollars", "$5"), ("northeast", "north-east"), ("US", "U.S."), ("will", "won't"),
                 ("Kharkiv", "Kharkiv’s"), ("Smith", "a Smith"), ("Reuters", "(Reuters)"), ("ΟΔΟΣ", "x ΟΔΟΣ.Α")]


@pytest.mark.parametrize("claim_word, written", WRITTEN_APART)
def test_a_vocabulary_for_claims_finds_words_written_otherwise(claim_word, written):
    texts = [written, "nothing here", f"Then {written} again", written]
    for claim in (claim_word, f"Then {claim_word} again", claim_word.capitalize()):
        whole, mine = Vocabulary.of(texts), Vocabulary.for_claims(texts, [claim])
        assert Vocabulary.of_claims(texts, [claim]) == mine
        table = sentence_chunks(texts)
        assert Vocabulary.for_claims_in(table, table.row, [claim]) == mine
        for t in analyse(claim).toks:
            for s in (t.stem, *t.parts) if t.content else ():
                assert mine.weight(s) == whole.weight(s) and mine.index.get(s) == whole.index.get(s)
            assert not t.cap or (t.low in mine.names, t.low in mine.lower_words) == (t.low in whole.names, t.low in whole.lower_words)


@given(st.one_of(phrases, glued, messy_text), st.data())
@settings(max_examples=400, deadline=None)
def test_names_among_flagged_chunks_are_the_texts_names(text, data):
    from summarizer.evidence.analysis import chunk_profile
    from summarizer.evidence.vocabulary import names_among

    chunks = text.split()
    names = word_profile(text)[2]
    candidates = sorted(names | {p[3] for p in map(chunk_profile, chunks) if p[3]} | {"smith", "paris"})
    wanted = set(data.draw(st.lists(st.sampled_from(candidates), max_size=4)))
    # The chunks chunks_holding flags: a name or the first word among the wanted ones.
    flagged = {c for c in chunks if not wanted.isdisjoint(chunk_profile(c)[2]) or chunk_profile(c)[3] in wanted}
    assert names_among(chunks, flagged, wanted) == names & wanted
    assert names_among(chunks, set(chunks), wanted) == names & wanted


@pytest.mark.parametrize("text", ["Paris. _ Smith met", "met Paris _ Smith", "_ Smith", "“ _ Smith", "x _ _ Smith"])
def test_names_among_looks_past_chunks_without_tokens(text):
    from summarizer.evidence.vocabulary import names_among

    assert names_among(text.split(), {"Smith"}, {"smith"}) == word_profile(text)[2] & {"smith"}


# Lows the chunk filter must find however they are written: acronyms with dots, "'s", hyphens,
# words glued to digits, symbols or other acronyms.
LOW_PIECES = PIECES + ["I", "I'm", "if", "If", "it's", "It's", "Britain's", "Jesus'", "U.S.x", "a.U.S.", "5km", "_Paris",
                       "North-East", "O'Brien's", "Iif", "ifI", "(I)", "i.e.", "E.U.", "EU's"]
low_glued = st.lists(st.tuples(st.sampled_from(LOW_PIECES), st.sampled_from(GLUES)), min_size=1, max_size=20).map(
    lambda ps: "".join(p + g for p, g in ps))


@given(st.one_of(low_glued, glued, phrases, messy_text), st.data())
@settings(max_examples=600, deadline=None)
def test_chunks_the_filter_skips_hold_none_of_the_words(text, data):
    from summarizer.evidence.analysis import chunk_profile
    from summarizer.evidence.vocabulary import chunks_holding, may_hold

    chunks = sorted(set(text.split()))
    profiles = [chunk_profile(c) for c in chunks]
    stems_seen = sorted(set().union(*(p[0] for p in profiles)) | {"citi", "x"})
    lows_seen = sorted(set().union(*(p[1] | p[2] for p in profiles)) | {p[3] for p in profiles if p[3]} | {"i", "us"})
    stems = set(data.draw(st.lists(st.sampled_from(stems_seen), max_size=3)))
    lows = set(data.draw(st.lists(st.sampled_from(lows_seen), max_size=3)))
    may = may_hold(stems, lows)
    for chunk, (bag, low, names, first, _, _) in zip(chunks, profiles):
        if bag & stems or low & lows or names & lows or first in lows:
            assert may is not None and may(chunk), chunk
    # chunks_holding is the definition that reads every chunk.
    every = {}
    for chunk, (bag, low, names, first, _, _) in zip(chunks, profiles):
        held = (bag & stems, low & lows, not lows.isdisjoint(names) or first in lows)
        if any(held):
            every[chunk] = held
    assert chunks_holding([text], stems, lows) == every


@given(st.one_of(low_glued, glued, phrases, messy_text, st.text(max_size=80)))
@settings(max_examples=800, deadline=None)
def test_norm_of_is_analyses_norm(text):
    from summarizer.evidence.analysis import norm_of

    assert norm_of(text) == analyse(text).norm


@given(st.lists(st.one_of(phrases, low_glued, documents_text()), min_size=1, max_size=6), st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_a_grounder_reads_what_every_passages_analysis_would_give(texts, data):
    """The grounder analyses a passage when a check first reads it; its index, weights, name
    lists and norms are those of every passage's analysis."""
    from collections import Counter
    import math

    from summarizer.evidence.grounding import Grounder, Passage

    passages = [Passage(t, f"d{i % 2}", i * 1000) for i, t in enumerate(texts)]
    g = Grounder(passages)
    an = [analyse(t) for t in texts]
    df = Counter(s for a in an for s in a.bag)
    n = len(texts)
    assert g.idf == {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()}
    assert g.index == {s: [i for i, a in enumerate(an) if s in a.bag] for s in df}
    assert g.lower_words == frozenset().union(*(a.lower_words for a in an))
    assert g.names == frozenset().union(*(a.names for a in an))
    assert [g.in_pool(a.norm) for a in an] == [True] * n
    assert [g.an[i] for i in range(n)] == an and len(g.an) == n
    claim = data.draw(st.one_of(st.sampled_from(texts), phrases, low_glued))
    assert g.check(claim) == Grounder(passages).check(claim)


@given(st.lists(st.one_of(phrases, low_glued, documents_text()), min_size=1, max_size=8), st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_checking_a_claim_against_groups_is_checking_it_against_each(texts, data):
    """``check_each`` reads the claim once for all the groups: each verdict is the one a check
    of the claim alone against that group gives."""
    from summarizer.evidence.grounding import Grounder, Passage

    passages = [Passage(t, f"d{i % 3}", i * 1000) for i, t in enumerate(texts)]
    claim = data.draw(st.one_of(st.sampled_from(texts), phrases, low_glued))
    indices = st.lists(st.integers(0, len(texts) - 1), max_size=len(texts)).map(set)
    groups = data.draw(st.lists(st.one_of(st.none(), indices), min_size=1, max_size=4))
    prefer = data.draw(indices)
    shared = Grounder(passages)
    assert list(shared.check_each(claim, groups, prefer)) == [Grounder(passages).check(claim, prefer, g) for g in groups]
    # Checks after it are as on a grounder that made none.
    assert [shared.check(claim, prefer, g) for g in groups] == [Grounder(passages).check(claim, prefer, g) for g in groups]


def test_ranking_with_preferred_passages_leaves_the_claims_overlap_alone():
    from summarizer.evidence.grounding import Grounder, Passage

    g = Grounder([Passage("alpha beta gamma", "a", 0), Passage("alpha beta gamma", "b", 0)])
    a = analyse("alpha beta gamma delta")
    c = g._claim(a, [t for t in a.toks if t.content])
    assert g._rank(c, {1}) == [1, 0]  # the tie goes to the preferred passage
    assert g._rank(c, set()) == [0, 1]  # and only while it is preferred


@given(st.lists(st.one_of(phrases, low_glued, documents_text()), min_size=2, max_size=8), st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_coverages_adding_a_passage_are_the_coverages_of_the_longer_choice(texts, data):
    from summarizer.evidence.grounding import Grounder, Passage

    g = Grounder([Passage(t, f"d{i % 3}", i * 1000) for i, t in enumerate(texts)])
    a = analyse(" ".join(data.draw(st.one_of(st.sampled_from(texts), phrases)).split()))
    units = [t for t in a.toks if t.content]
    if not units:
        return
    c = g._claim(a, units)
    chosen = data.draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, max_size=3, unique=True))
    others = [i for i in range(len(texts)) if i not in chosen]
    assert g.coverages_adding(c, chosen, others) == [g._coverage(c, chosen + [i])[0] for i in others]


def _overlap_by_counter(index, units, weights):
    """``vocabulary.overlap`` as first written: a Counter summed with ``+=``."""
    from collections import Counter

    score = Counter()
    for t, w in zip(units, weights):
        for i in index.get(t.stem, ()):
            score[i] += w
        for p in t.parts:
            for i in index.get(p, ()):
                score[i] += w / len(t.parts)
    return score


@given(st.lists(st.one_of(phrases, glued, documents_text(), st.text(max_size=40)), min_size=1, max_size=8), st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_weights_and_overlaps_are_the_counting_definitions(texts, data):
    """Document frequencies are the posting lists' lengths, and ``overlap`` sums in a dict: the
    same weights and scores bit for bit, in the same order, as counting with Counters."""
    from collections import Counter
    import math

    from summarizer.evidence.vocabulary import overlap

    claims = data.draw(st.lists(st.one_of(st.sampled_from(texts), phrases, glued), min_size=1, max_size=3))
    df = Counter()
    for t in texts:
        df.update(word_profile(t)[0])
    n = len(texts)
    whole = Vocabulary.of(texts)
    assert list(whole.idf.items()) == [(s, math.log((n + 1) / (c + 0.5))) for s, c in df.items()]
    for vocab in (whole, Vocabulary.of_claims(texts, claims), Vocabulary.for_claims(texts, claims)):
        assert list(vocab.idf.items()) == [(s, math.log((n + 1) / (len(ids) + 0.5))) for s, ids in vocab.index.items()]
        assert all(vocab.idf[s] == whole.idf[s] for s in vocab.idf)
        for claim in claims:
            units = [t for t in analyse(" ".join(claim.split())).toks if t.content]
            weights = [vocab.weight(t.stem) for t in units]
            got, want = overlap(vocab.index, units, weights), _overlap_by_counter(vocab.index, units, weights)
            assert list(got.items()) == list(want.items()) and type(got) is type(want)
