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
