"""Texts cleaned in an earlier run come from the memo: the corpus is the same, the memo stays bounded."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.contract.documents import Document
from summarizer.prepare.corpus import Corpus, prepare
from summarizer.prepare.chunks import sentence_chunks
from summarizer.prepare.dedup import PassageWords, duplicate_groups, normalized_key, normalized_words
from summarizer.prepare.text_memo import CleanText, TextMemo

from ..conftest import documents_text, messy_text


def _clean(n: int) -> CleanText:
    return CleanText((), f"title {n}", ((0, 1),), ("x",), (None,))


def _words(words: PassageWords) -> tuple:
    return words.vocab, words.group.tolist(), words.start.tolist(), words.ids.tolist()


def _facts(corpus: Corpus) -> tuple:
    """Everything ``prepare`` decides, in plain values."""
    return (
        [(d.id, d.title) for d in corpus.documents],
        {k: [(j.start, j.end, j.reason) for j in v] for k, v in corpus.junk.items()},
        {k: [(s.index, s.start, s.end, s.tokens, s.junk) for s in v] for k, v in corpus.sentences.items()},
        [[(s.source_id, s.index) for s in u.sentences] for u in corpus.units],
        _words(corpus.words),
    )


texts = st.lists(st.one_of(documents_text(), messy_text.filter(str.strip)), min_size=1, max_size=5)


@given(texts, texts)
@settings(max_examples=60, deadline=None)
def test_a_corpus_prepared_with_remembered_texts_equals_one_prepared_from_scratch(first, second):
    """The second run's documents share texts with the first run's (and among themselves)."""
    memo = TextMemo()
    docs = [Document(f"a{i}", t) for i, t in enumerate(first)]
    prepare(docs, memo=memo)
    again = [Document(f"b{i}", t) for i, t in enumerate(second + first[::-1])]
    remembered = prepare(again, memo=memo)
    assert all(memo.get(t) is not None for t in first + second)
    assert _facts(remembered) == _facts(prepare(again, memo=TextMemo(max_chars=0)))


@given(st.lists(st.one_of(documents_text(), messy_text), min_size=1, max_size=12).flatmap(
    lambda ps: st.permutations(ps + ps[:3])))
@settings(max_examples=100, deadline=None)
def test_dedup_words_are_each_passages_normalized_words_numbered_as_they_first_appear(passages):
    """Read from the chunk table, as a corpus' passages are."""
    _, words = duplicate_groups(passages, chunks=sentence_chunks(passages))
    assert [words.words(k) for k in range(len(passages))] == [normalized_words(p) for p in passages]
    assert words.vocab == list(dict.fromkeys(w for p in passages for w in normalized_words(p)))
    keys = [normalized_key(p) for p in passages]
    group = words.group.tolist()
    assert all((group[i] == group[j]) == (keys[i] == keys[j]) for i in range(len(keys)) for j in range(i))


def test_the_memo_drops_the_least_recently_used_texts_past_its_characters():
    memo = TextMemo(max_chars=10)
    memo.put("aaaa", _clean(1))
    memo.put("bbbb", _clean(2))
    assert memo.get("aaaa") == _clean(1)  # now the most recently used
    memo.put("cccc", _clean(3))  # 12 characters: "bbbb" goes
    assert memo.get("bbbb") is None
    assert memo.get("aaaa") == _clean(1) and memo.get("cccc") == _clean(3)
    assert memo.chars == 8


def test_a_text_longer_than_the_memo_is_not_kept_and_evicts_nothing():
    memo = TextMemo(max_chars=10)
    memo.put("aaaa", _clean(1))
    memo.put("x" * 11, _clean(2))
    assert memo.get("x" * 11) is None and memo.get("aaaa") == _clean(1)


def test_the_memo_stays_within_its_bound_when_threads_share_it():
    memo = TextMemo(max_chars=100)

    def fill(k: int) -> None:
        for i in range(500):
            memo.put(f"{k}-{i:04d}-" + "x" * (i % 7), _clean(i))
            memo.get(f"{k}-{i // 2:04d}-")

    threads = [threading.Thread(target=fill, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 0 < memo.chars <= 100


def test_chunk_keys_kept_across_runs_are_normalized_keys_even_when_the_memo_empties(monkeypatch):
    from summarizer.prepare import dedup

    monkeypatch.setattr(dedup, "_CHUNK_KEYS", {})
    monkeypatch.setattr(dedup, "_CHUNK_KEYS_MAX", 2)  # emptied by almost every run
    runs = [["Hello", "—", "U.S.", "Hello", "x"], ["x", "overCredit", "—", "Σ"], ["Hello", "—"]]
    for chunks in runs + runs:
        assert dedup._chunk_keys(chunks) == dedup.normalized_keys(chunks)
