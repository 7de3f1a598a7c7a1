"""Dedup: repeated lines on the seeds merge into one unit keeping every occurrence; unrelated don't."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.contract.documents import Document
from summarizer.io.ingest import load_documents
from summarizer.prepare.corpus import prepare
from summarizer.prepare.dedup import duplicate_groups, near_duplicate_groups, normalized_words
from summarizer.prepare.spans import SourceSentence, Unit

from ..conftest import SEEDS, messy_text


def _units_by_text(corpus):
    texts = corpus.texts
    return [[texts[s.source_id][s.start : s.end] for s in u.sentences] for u in corpus.units]


def test_seed_repeated_titles_merge_keeping_every_occurrence():
    corpus = prepare(load_documents([SEEDS]))
    units = _units_by_text(corpus)
    title = "In surprise offensive, Ukraine retakes territory from Russian forces in Kharkiv"
    (unit,) = [u for u in units if title in u]
    assert unit == [title, title]
    # The first copy is content (it is the canonical occurrence); the second is junk.
    (u,) = [u for u in corpus.units if corpus.texts[u.canonical.source_id][u.canonical.start : u.canonical.end] == title]
    assert [s.junk for s in u.sentences] == [None, "repeated"]


def test_seed_caption_printed_twice_with_glued_credit_merges():
    corpus = prepare(load_documents([SEEDS]))
    units = _units_by_text(corpus)
    caption = "Kharkiv mayor said the battle for the city was now over"
    (unit,) = [u for u in units if caption in u]
    assert sorted(unit) == sorted([caption, caption + "Credit: Rex"])
    people = "People are slowly returning to Kharkiv, Mayor Ihor Terekhov . said"
    (unit,) = [u for u in units if people in u]
    assert sorted(unit) == sorted([people, people + "Credit: Getty"])
    # Every sentence of every source sits in exactly one unit.
    all_occ = [(s.source_id, s.index) for u in corpus.units for s in u.sentences]
    assert len(all_occ) == len(set(all_occ)) == sum(len(v) for v in corpus.sentences.values())


def test_cross_source_near_duplicate_merges():
    a = "Ukrainian forces have driven Russian troops out of the Kharkiv region and back across the border, officials said on Sunday."
    b = "Ukrainian forces have driven Russian troops out of the Kharkiv region and back across the border, officials said Sunday."
    docs = [
        Document("a", f"{a}\n\nThe mayor welcomed the news and thanked the city's defenders for their work."),
        Document("b", f"Bread prices in the city rose sharply during the long winter months of the siege.\n\n{b}"),
    ]
    corpus = prepare(docs)
    merged = [u for u in corpus.units if len(u.sentences) > 1]
    assert len(merged) == 1
    assert [(s.source_id, corpus.texts[s.source_id][s.start : s.end]) for s in merged[0].sentences] == [("a", a), ("b", b)]
    assert merged[0].source_ids == ["a", "b"]


def test_unrelated_and_merely_similar_sentences_do_not_merge():
    texts = [
        "The army crossed the river on Monday.",
        "The navy crossed the sea on Friday night after the storm.",
        "Bread prices rose in the city.",
        "The army crossed the border on Tuesday and took the town.",
        "Officials said nothing about the army.",
    ]
    assert near_duplicate_groups(texts) == [0, 1, 2, 3, 4]


def test_exact_duplicates_after_normalization_merge():
    texts = ["The war is over.", "THE WAR IS OVER", "the   war, is over!", "The war is not over."]
    groups = near_duplicate_groups(texts)
    assert groups[:3] == [0, 0, 0] and groups[3] == 3


def test_threshold_controls_merging():
    a = "one two three four five six seven eight nine ten"
    b = "one two three four five six seven eight nine eleven"  # 8 of 10 bigrams shared
    assert near_duplicate_groups([a, b], threshold=0.7) == [0, 0]
    assert near_duplicate_groups([a, b], threshold=0.95) == [0, 1]


def test_glued_words_split_at_case_change():
    assert normalized_words("was now overCredit: Rex") == ["was", "now", "over", "credit", "rex"]
    assert normalized_words("U.S. NATO-led") == ["u", "s", "nato", "led"]


@given(st.lists(st.one_of(messy_text, st.sampled_from(["", "  ", "A b", "x", "overCredit 2G5 ÉTÉ été"])), max_size=40))
@settings(max_examples=300, deadline=None)
def test_passage_words_are_each_passages_normalized_words(texts):
    """The word ids dedup numbers (every distinct passage's words in one stream) spell each
    passage's ``normalized_words``, repeats and empty passages included."""
    words = duplicate_groups(texts)[1]
    assert [words.words(k) for k in range(len(texts))] == [normalized_words(t) for t in texts]
    assert len(set(words.vocab)) == len(words.vocab)


@pytest.mark.parametrize("marks", [[], [None], ["nav"], ["nav", None], [None, "nav"], ["nav", "caption"]])
def test_has_content_and_first_content_agree_with_content_occurrences(marks):
    unit = Unit(0, [SourceSentence("d", i, i, i + 1, 1, m) for i, m in enumerate(marks)])
    assert unit.has_content == bool(unit.content_occurrences) == (None in marks)
    assert unit.first_content() == (unit.content_occurrences[0] if unit.has_content else None)
