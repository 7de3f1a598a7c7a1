"""Property tests: offsets always slice back, token counts are exact, dedup loses nothing."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.backends.llm.chunking import chunk_source
from summarizer.config.options import SummaryOptions
from summarizer.config.settings import Settings
from summarizer.contract.documents import Document
from summarizer.errors import InputError
from summarizer.pipeline import summarize
from summarizer.prepare.corpus import prepare
from summarizer.prepare.dedup import WORD_RE, build_units, normalized_key, normalized_keys
from summarizer.prepare.segment import split_sentences
from summarizer.prepare.spans import SourceSentence
from summarizer.prepare.tokens import get_counter

from .conftest import documents_text, messy_text

COUNTER = get_counter()
ENC = COUNTER.encoding
any_text = st.one_of(messy_text, documents_text(), st.text(max_size=200))


@given(any_text)
@settings(max_examples=300)
def test_sentences_slice_back_ordered_trimmed(text):
    spans = split_sentences(text)
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a < b <= len(text)  # ordered, non-overlapping, non-empty
        piece = text[a:b]
        assert piece == piece.strip() and piece  # trimmed
        prev_end = b
    # Nothing but whitespace is left out.
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@given(any_text, st.integers(0, 30), st.integers(0, 30))
def test_sentences_of_a_slice_use_absolute_offsets(text, i, j):
    start, end = sorted((min(i, len(text)), min(len(text), len(text) - j)))
    for a, b in split_sentences(text, start, end):
        assert start <= a < b <= end


@given(any_text)
@settings(max_examples=300)
def test_token_count_is_exact(text):
    assert COUNTER.count(text) == len(ENC.encode_ordinary(text))


@given(any_text, st.data())
@settings(max_examples=300)
def test_joined_count_of_consecutive_sentences_is_exact(text, data):
    spans = split_sentences(text)
    if not spans:
        return
    i = data.draw(st.integers(0, len(spans) - 1))
    j = data.draw(st.integers(i, len(spans) - 1))
    run = spans[i : j + 1]
    assert COUNTER.count_joined(text, run) == len(ENC.encode_ordinary(text[run[0][0] : run[-1][1]]))
    # Spans with text between them (a skipped sentence), or overlapping, are counted from the
    # text itself.
    a, b = run[0]
    if b - a >= 2 and not text[a + 1].isspace():
        overlapping = [(a, b), (a + 1, run[-1][1])]
        assert COUNTER.count_joined(text, overlapping) == len(ENC.encode_ordinary(text[a : run[-1][1]]))
    if j - i >= 2:
        gapped = [run[0], run[-1]]
        assert COUNTER.count_joined(text, gapped) == len(ENC.encode_ordinary(text[run[0][0] : run[-1][1]]))


@given(any_text, st.integers(4, 40), st.integers(0, 39))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_chunks_slice_back_and_fit(text, max_tokens, overlap):
    overlap = overlap % max_tokens
    spans = split_sentences(text)
    chunks = chunk_source("s", text, spans, COUNTER, max_tokens=max_tokens, overlap_tokens=overlap)
    counts = [len(ENC.encode_ordinary(text[a:b])) for a, b in spans]
    assert chunk_source("s", text, spans, COUNTER, max_tokens, overlap, counts) == chunks
    if spans:
        assert chunks, "text with sentences must give chunks"
        assert chunks[0].start == spans[0][0] and chunks[-1].end == spans[-1][1]
    prev = None
    for c in chunks:
        piece = c.text(text)
        assert piece == text[c.start : c.end] and piece
        assert c.tokens == len(ENC.encode_ordinary(piece)) <= max_tokens
        if prev is not None:
            assert c.start > prev.start and c.end > prev.end  # progress, in order
        prev = c
    # Every sentence character is inside some chunk (chunks cover the text, modulo whitespace).
    for a, b in spans:
        for pos in (a, b - 1):
            if not text[pos].isspace():
                assert any(c.start <= pos < c.end for c in chunks)


@given(st.lists(documents_text(), min_size=1, max_size=4))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extractive_citations_hold(texts):
    docs = [Document(f"doc{i}", t) for i, t in enumerate(texts) if t.strip()]
    if not docs:
        return
    if not any(s.junk is None for ss in prepare(docs).sentences.values() for s in ss):
        with pytest.raises(InputError, match="nothing to summarize"):  # all junk: said, not an empty result
            asyncio.run(summarize(docs, SummaryOptions(backend="extractive"), Settings()))
        return
    result = asyncio.run(summarize(docs, SummaryOptions(backend="extractive"), Settings()))
    by_id = {d.id: d.text for d in docs}
    for _, sentence in result.all_sentences():
        assert sentence.citations
        for c in sentence.citations:
            assert c.text == by_id[c.source_id][c.start : c.end]
    # Nothing was dropped by the final check: the backend only produced valid citations.
    assert result.stats.model_dump().get("dropped_citations", 0) == 0


@given(st.lists(documents_text(), min_size=1, max_size=4), st.floats(0.3, 1.0))
@settings(max_examples=60, deadline=None)
def test_dedup_units_keep_every_sentence_once(texts, threshold):
    sentences, by_id = [], {}
    for i, t in enumerate(texts):
        sid = f"d{i}"
        by_id[sid] = t
        for k, (a, b) in enumerate(split_sentences(t)):
            sentences.append(SourceSentence(sid, k, a, b, 0))
    # Duplicate some sentences on purpose so merging happens.
    units = build_units(sentences + sentences[::3], by_id, threshold=threshold)
    seen = [id(s) for u in units for s in u.sentences]
    assert sorted(seen) == sorted(id(s) for s in sentences + sentences[::3])
    assert all(u.sentences for u in units)
    assert [u.id for u in units] == list(range(len(units)))


@given(st.lists(documents_text(), min_size=1, max_size=3))
@settings(max_examples=30, deadline=None)
def test_prepare_keeps_all_sentences_in_units(texts):
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts) if t.strip()]
    if not docs:
        return
    corpus = prepare(docs)
    in_units = sorted((s.source_id, s.index) for u in corpus.units for s in u.sentences)
    in_sources = sorted((s.source_id, s.index) for ss in corpus.sentences.values() for s in ss)
    assert in_units == in_sources
    assert sorted(corpus.unit_of) == in_sources
    assert all(any(o is s for o in corpus.unit_of[(s.source_id, s.index)].sentences)
               for ss in corpus.sentences.values() for s in ss)
    for sid, ss in corpus.sentences.items():
        text, prev_end = corpus.texts[sid], 0
        for s in ss:
            piece = text[s.start : s.end]
            assert prev_end <= s.start < s.end and piece == piece.strip()
            prev_end = s.end
            assert s.tokens == len(ENC.encode_ordinary(piece))
            # A sentence is inside one junk line or clear of all of them, never glued across.
            touching = [j for j in corpus.junk[sid] if j.start < s.end and s.start < j.end]
            if s.junk is None:
                assert not touching
            else:
                assert len(touching) == 1 and touching[0].start <= s.start and s.end <= touching[0].end


def test_chunking_rejects_impossible_limits():
    import pytest

    from summarizer.errors import ConfigError

    for max_tokens, overlap in [(3, 0), (10, 10), (10, -1)]:
        with pytest.raises(ConfigError):
            chunk_source("s", "Some text.", [(0, 10)], COUNTER, max_tokens=max_tokens, overlap_tokens=overlap)


@given(st.lists(any_text, max_size=5))
@settings(max_examples=50)
def test_token_count_exact_when_the_memo_is_cleared(texts):
    from summarizer.prepare.tokens import TokenCounter

    counter = TokenCounter(cache_limit=2)  # forces the memo to be cleared between calls
    for text in texts + texts:
        assert counter.count(text) == len(ENC.encode_ordinary(text))
        assert counter.parts(text)[0] == len(ENC.encode_ordinary(text))


@given(any_text)
@settings(max_examples=200)
def test_junk_spans_slice_back_to_trimmed_lines(text):
    from summarizer.prepare.cleaning import _lines, find_junk

    for ln in _lines(text):
        assert text[ln.start : ln.end] == ln.text == ln.text.strip() and "\n" not in ln.text
    prev_end = 0
    for j in find_junk(text):
        piece = text[j.start : j.end]
        assert prev_end <= j.start < j.end and piece == piece.strip() and "\n" not in piece
        prev_end = j.end


_glued_ascii = st.text(alphabet="aZ0 .,'\n-Ab9CD", max_size=30)  # case glue, digits, runs of spaces


@given(st.lists(st.one_of(messy_text, _glued_ascii, st.text(max_size=20)), max_size=12),
       st.integers(1, 64))
@settings(max_examples=300, deadline=None)
def test_normalized_keys_in_any_blocks_equal_the_regex_definition(texts, block_chars):
    # The vectorized keys (ASCII fast path, numpy space squeezing, cache-sized blocks) must equal
    # the plain definition: WORD_RE's words, lower-cased, joined by spaces.
    expected = [" ".join(WORD_RE.findall(t)).lower() for t in texts]
    assert normalized_keys(texts, block_chars=block_chars) == expected
    assert normalized_keys(texts) == expected
    assert [normalized_key(t) for t in texts] == expected
