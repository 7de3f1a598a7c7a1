"""Which sentences of a corpus hold a digit, or a match of a pattern, without a call per sentence.

Conflict finding asks this of every content sentence (over 70 000 at 10 MB); one regex call per
sentence costs more than the scanning itself. Here the sources are joined in blocks of about a
megabyte, each block is scanned once, and each hit is assigned to the sentences holding it, in
numpy. The answers are the per-sentence ones exactly (see ``holding``).
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Iterator, Optional, Sequence

import numpy as np

from ..prepare.arrays import sorted_unique
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence

BLOCK_CHARS = 1 << 20


def blocks(corpus: Corpus, sentences: Sequence[SourceSentence]) -> Iterator[tuple[str, np.ndarray, np.ndarray, slice]]:
    """``(joined text, starts, ends, which sentences)`` per block of sources: the sources' texts
    joined by newlines, and the sentences' spans in it. ``sentences`` are grouped by source."""
    texts = corpus.texts
    n = len(sentences)
    if not n:
        return
    starts = np.fromiter(map(attrgetter("start"), sentences), dtype=np.int64, count=n)
    ends = np.fromiter(map(attrgetter("end"), sentences), dtype=np.int64, count=n)
    ids = list(map(attrgetter("source_id"), sentences))
    runs = [0, *(k for k in range(1, n) if ids[k] != ids[k - 1]), n]  # one run per source
    r = 0
    while r + 1 < len(runs):
        first, size, parts, shift = runs[r], 0, [], []
        while r + 1 < len(runs) and (size < BLOCK_CHARS or not parts):
            text = texts[ids[runs[r]]]
            parts.append(text)
            shift.append(size)
            size += len(text) + 1
            r += 1
        lengths = np.diff(runs[r - len(parts) : r + 1])
        offset = np.repeat(np.array(shift, dtype=np.int64), lengths)
        which = slice(first, runs[r])
        yield "\n".join(parts), starts[which] + offset, ends[which] + offset, which


def code_points(text: str) -> np.ndarray:
    """The characters of ``text`` as numbers: ``uint8`` for ASCII text, else ``uint32``."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _decimal_mask(joined: str, cp: np.ndarray) -> np.ndarray:
    """Per character of ``joined`` (``cp``: its ``code_points``), whether ``\\d`` matches it (a
    Unicode decimal digit)."""
    digit = (cp - 48) < 10  # unsigned: only "0".."9" land below 10
    if cp.dtype != np.uint8:
        wide = sorted_unique(cp[cp > 127]).tolist()
        digit |= np.isin(cp, [c for c in wide if chr(c).isdecimal()])
    return digit


def _inside(positions: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    """Whether some position p of ``positions`` (ascending) has ``start <= p`` and
    ``p + width <= end``. Positions, not a mask: digits are a few percent of a text, and a
    running count over every character cost ten times as much."""
    last = np.maximum(ends - width + 1, starts)  # positions in [start, end - width] count
    return np.searchsorted(positions, last) > np.searchsorted(positions, starts)


def _year_starts(code: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Where ``(?:19|20)\\d\\d`` matches (``digits``: the positions of ``\\d`` characters of the
    text whose ``code_points`` are ``code``): four digits in a row, the first two "19" or "20"."""
    if len(digits) < 4:
        return digits[:0]
    at = digits[:-3][digits[3:] - digits[:-3] == 3]  # ascending, so 3 apart means consecutive
    first, second = code[at], code[at + 1]
    return at[((first == 49) & (second == 57)) | ((first == 50) & (second == 48))]  # "19", "20"


def _is_word(ch: str) -> bool:
    """Whether ``re``'s ``\\w`` matches ``ch``."""
    return ch.isalnum() or ch == "_"


class Scan:
    """Sentences of a corpus joined in blocks once (``blocks``), for every question a run asks
    about them: which hold a digit, a year, a month... Each answer then costs a scan of the
    joined text, not a join as well; the digit answers share one pass over the code points."""

    def __init__(self, corpus: Corpus, sentences: Sequence[SourceSentence],
                 passages: Optional[np.ndarray] = None) -> None:
        self.corpus = corpus
        self.sentences = sentences
        self.blocks = list(blocks(corpus, sentences))
        self._digits: Optional[tuple[np.ndarray, np.ndarray]] = None
        self._year_starts: list[np.ndarray] = []  # per block, where ``_year_starts`` found one
        self._passages = passages  # each sentence's passage in the corpus, when known or once needed

    def digits(self) -> tuple[np.ndarray, np.ndarray]:
        """For each sentence, whether it holds a character ``\\d`` matches (a Unicode decimal
        digit), and whether ``(?:19|20)\\d\\d`` matches somewhere in it."""
        if self._digits is None:
            digit_in = np.zeros(len(self.sentences), dtype=bool)
            year_in = np.zeros(len(self.sentences), dtype=bool)
            self._year_starts = []
            for joined, starts, ends, which in self.blocks:
                code = code_points(joined)
                digits = np.flatnonzero(_decimal_mask(joined, code))
                digit_in[which] = _inside(digits, starts, ends, 1)
                years = _year_starts(code, digits)
                year_in[which] = _inside(years, starts, ends, 4)
                self._year_starts.append(years)
            self._digits = digit_in, year_in
        return self._digits

    def years(self) -> list[tuple[int, int]]:
        """``(sentence, year)`` for every match of ``\\b(?:19|20)\\d{2}\\b`` in each sentence's
        text, in order, from the year digits ``digits`` found: the ``\\b`` of a match at a
        sentence's edge is read as the sentence's own end, not the character beyond it."""
        self.digits()
        out: list[tuple[int, int]] = []
        for (joined, starts, ends, which), at in zip(self.blocks, self._year_starts):
            if not len(at):
                continue
            k = np.searchsorted(starts, at, side="right") - 1
            inside = (k >= 0) & (at + 4 <= ends[np.maximum(k, 0)])
            at, k = at[inside].tolist(), k[inside].tolist()
            first = which.start
            for p, s in zip(at, k):
                opens = p == starts[s] or not _is_word(joined[p - 1])
                if opens and (p + 4 == ends[s] or not _is_word(joined[p + 4])):
                    out.append((first + s, int(joined[p : p + 4])))
        return out

    def holding_in_chunks(self, *patterns: re.Pattern) -> np.ndarray:
        """``holding``, for patterns on the conditions ``chunk_hits`` states (from the corpus'
        chunk table when it has one)."""
        hits = chunk_hits(self.corpus, *patterns)
        if hits is None:
            return self.holding(*patterns)
        if self._passages is None:
            self._passages = np.fromiter(map(self.corpus.passage_index, self.sentences), dtype=np.int64,
                                         count=len(self.sentences))
        return hits[self._passages]

    def holding(self, *patterns: re.Pattern) -> np.ndarray:
        """For each sentence, whether ``p.search(sentence's text)`` finds a match for some
        pattern p (on the conditions ``holding`` states)."""
        out = np.zeros(len(self.sentences), dtype=bool)
        for joined, starts, ends, which in self.blocks:
            spans = sorted(m.span() for p in patterns for m in p.finditer(joined))
            if not spans:
                continue
            hits = np.array(spans, dtype=np.int64)
            # Matches are ordered and disjoint, so those inside [start, end) are a contiguous run.
            first = np.searchsorted(hits[:, 0], starts, side="left")
            past = np.searchsorted(hits[:, 1], ends, side="right")
            out[which] = past > first
        return out


def chunk_hits(corpus: Corpus, *patterns: re.Pattern) -> Optional[np.ndarray]:
    """Per passage of ``corpus`` (``Corpus.passage_index``), whether ``p.search`` finds something
    in its text for some pattern p, read from the corpus' chunk table: each distinct chunk of the
    run is searched once, not every sentence (None for a corpus without a table).

    Exact for patterns whose matches hold no whitespace and whose lookarounds and ``\\b`` read a
    text's ends as whitespace (``(?<!\\w)``, ``\\b``; not ``^`` or ``$``): a match in a sentence
    then lies within one of its chunks and is a match there, and a match in a chunk is one in
    the sentence."""
    table = corpus.chunks
    if table is None:
        return None
    # The chunks joined by newlines and searched at once (a newline is whitespace to the patterns
    # too); each match is its chunk's.
    joined, ends = table.joined
    found = np.zeros(len(table.vocab), dtype=bool)
    for p in patterns:
        found[np.searchsorted(ends, [m.start() for m in p.finditer(joined)], side="right")] = True
    at = np.flatnonzero(found[table.ids])
    rows = np.zeros(len(table.texts), dtype=bool)
    rows[np.searchsorted(table.start, at, side="right") - 1] = True
    return rows[table.row]


def content_scan(corpus: Corpus) -> Scan:
    """A ``Scan`` of every content sentence (not junk), source by source, in order."""
    return Scan(corpus, corpus.content_sentences(), corpus.content_passages())


def holding_digit(corpus: Corpus, sentences: Sequence[SourceSentence]) -> np.ndarray:
    """For each sentence, whether it holds a character ``\\d`` matches (a Unicode decimal digit)."""
    return Scan(corpus, sentences).digits()[0]


def holding_year_digits(corpus: Corpus, sentences: Sequence[SourceSentence]) -> np.ndarray:
    """For each sentence, whether ``(?:19|20)\\d\\d`` matches somewhere in it."""
    return Scan(corpus, sentences).digits()[1]


def holding(corpus: Corpus, sentences: Sequence[SourceSentence], *patterns: re.Pattern) -> np.ndarray:
    """For each sentence, whether ``p.search(sentence's text)`` finds a match for some pattern p.

    Exact for patterns without anchors, lookarounds or ``\\b`` (a match then does not depend on
    what surrounds it) whose matches cannot overlap or nest, within a pattern or across them (one
    match is never a prefix of, or overlapping with, another): ``finditer`` over the joined text
    then finds every place they match, and a sentence holds a match when one lies wholly inside.
    Scanning for several simple patterns is faster than for their alternation.
    """
    return Scan(corpus, sentences).holding(*patterns)
