"""Deterministic conflicts: differing figures between similar sentences of different sources."""

from __future__ import annotations

from summarizer.contract.documents import Document
from summarizer.evidence.conflicts import find_conflicts
from summarizer.evidence.textstats import similar_pairs
from summarizer.prepare.corpus import prepare


def test_similar_sentences_with_different_figures_are_a_conflict():
    a = Document("a", "The storm destroyed 120 homes in the coastal town of Marlow on Tuesday, officials said.\n")
    b = Document("b", "Officials said the storm destroyed 300 homes in the coastal town of Marlow on Tuesday.\n")
    c = Document("c", "A bakery in the capital reopened after the holidays with new owners and menu.\n")
    corpus = prepare([a, b, c])
    figures = [s for s in find_conflicts(corpus) if "different figures" in s.text]
    assert len(figures) == 1
    assert {cit.source_id for cit in figures[0].citations} == {"a", "b"}
    for cit in figures[0].citations:
        assert corpus.texts[cit.source_id][cit.start : cit.end] == cit.text


def test_similar_pairs_skips_common_words_and_reports_each_pair_once():
    sets = [{"storm", "homes", "marlow"}, {"storm", "homes", "marlow", "tuesday"}, {"bakery", "capital"},
            {"storm", "bakery"}]
    pairs = list(similar_pairs(sets, cap=2, min_similarity=0.5))
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    # "storm" is in three sets: over the cap, it proposes nothing by itself.
    assert list(similar_pairs([{"storm"}, {"storm"}, {"storm"}], cap=2, min_similarity=0.0)) == []


def test_figures_for_different_things_are_not_a_conflict():
    a = Document("a", "The 1973-90 rule on fishing quotas was lifted by the ministry in the northern region.\n")
    b = Document("b", "The ministry lifted the 17-year rule on fishing quotas in the northern region.\n")
    assert not [s for s in find_conflicts(prepare([a, b])) if "different figures" in s.text]


def test_one_place_in_opposite_directions_is_a_conflict_cited_on_both_sides():
    a = Document("a", "Troops withdrew from the northeastern city of Kharkiv on Sunday, officials said.\n")
    b = Document("b", "Officials said troops left the northwestern Kharkov region on Sunday.\n")
    c = Document("c", "The northern city of Kharkiv was shelled for weeks, residents said.\n")  # compatible
    corpus = prepare([a, b, c])
    places = [s for s in find_conflicts(corpus) if "disagree on where" in s.text]
    assert len(places) == 1
    assert {cit.source_id for cit in places[0].citations} == {"a", "b"}
    for cit in places[0].citations:
        assert corpus.texts[cit.source_id][cit.start : cit.end] == cit.text
