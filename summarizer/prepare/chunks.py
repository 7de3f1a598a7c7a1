"""Every sentence's whitespace-separated chunks, split once per run and numbered. Pure.

Several stages read sentences chunk by chunk: token counting (tiktoken's pieces never cross a
space that follows a non-space, ``tokens.py``), dedup (a sentence's normalized words are its
chunks', ``dedup.py``), the month and direction hints (``evidence/sentence_scan.chunk_hits``) and
the vocabulary attribution builds for the summary's claims (``evidence/vocabulary.py``).
Splitting the sentences of 10 MB makes 1.2 million strings, ~0.15 s a pass, and each stage split
them again. Numbered once, they are ~30,000 distinct chunks, and a sentence is a run of chunk ids
that the stages read in numpy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat
from typing import Sequence

import numpy as np

from .arrays import first_appearance_ids, sorted_unique
from .tokens import TokenCounter


_SPACE_RUNS = re.compile("  +")
SPLIT_AT_ONCE = 100_000  # chunks: up to this many, the texts are split in one call


def spaces_only(text: str) -> bool:
    """Whether ``text`` is non-empty, neither starts nor ends with a space and has no whitespace
    but spaces (every other whitespace character is unprintable; a few other characters are too,
    which only sends a text down the general path)."""
    return bool(text) and text.isprintable() and text[0] != " " and text[-1] != " "


@dataclass(frozen=True)
class SentenceChunks:
    """The distinct texts of some passages (rows, in order of first appearance), each as the ids
    of its ``str.split()`` chunks."""

    vocab: list[str]  # chunk id -> chunk
    start: np.ndarray  # row r's chunk ids are ids[start[r] : start[r + 1]]
    ids: np.ndarray
    row: np.ndarray  # passage -> its row
    spaced: np.ndarray  # per row: ``spaces_only``
    texts: list[str]  # row -> its text

    def chunks(self, r: int) -> list[str]:
        """Row ``r``'s text's ``split()``."""
        vocab = self.vocab
        return [vocab[i] for i in self.ids[self.start[r] : self.start[r + 1]].tolist()]

    @cached_property
    def joined(self) -> tuple[str, np.ndarray]:
        """The chunks joined by newlines, and where each one's newline (or the end) is."""
        ends = np.cumsum(np.fromiter(map(len, self.vocab), dtype=np.int64, count=len(self.vocab)) + 1)
        return "\n".join(self.vocab), ends

    def row_of_positions(self) -> np.ndarray:
        """For each position of ``ids``, its row."""
        return np.repeat(np.arange(len(self.texts)), np.diff(self.start))


def sentence_chunks(passages: Sequence[str]) -> SentenceChunks:
    """The chunk table of ``passages`` (each distinct text split once)."""
    number = dict.fromkeys(passages)
    texts = list(number)
    number = dict(zip(texts, range(len(texts))))
    row = np.fromiter(map(number.__getitem__, passages), dtype=np.int64, count=len(passages))
    n = len(texts)  # ``spaces_only`` of each, with no Python call per text
    spaced = np.fromiter(map(str.isprintable, texts), dtype=bool, count=n)
    spaced &= np.fromiter(map(bool, texts), dtype=bool, count=n)
    spaced &= ~np.fromiter(map(str.startswith, texts, repeat(" ")), dtype=bool, count=n)
    spaced &= ~np.fromiter(map(str.endswith, texts, repeat(" ")), dtype=bool, count=n)
    # A text with single spaces only has a chunk more than spaces: counted without splitting it.
    lengths = [t.count(" ") + 1 if s and "  " not in t else len(t.split()) for t, s in zip(texts, spaced.tolist())]
    start = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    # A large input's chunks are split text by text as they are numbered (a list of them all
    # would be ~70 MB at 10 MB); a small one's at once, which is faster.
    chunks = " ".join(texts).split() if start[-1] <= SPLIT_AT_ONCE else chain.from_iterable(map(str.split, texts))
    ids, vocab = first_appearance_ids(chunks, int(start[-1]))
    return SentenceChunks(vocab, start, ids.astype(np.int32), row, spaced, texts)


def token_counts(table: SentenceChunks, counter: TokenCounter) -> list[int]:
    """Each passage's token count, ``counter.count(passage)``.

    A text of chunks and spaces counts from its chunks: the first as a text's first word, every
    other with its leading space (tiktoken's pieces never cross a space after a non-space:
    ``tokens.py``), and before a chunk preceded by k > 1 spaces, the other k - 1 spaces as one
    piece (``\\s+(?!\\S)`` takes all but the space the chunk's first piece begins with). Any other
    text is counted by ``counter.count``."""
    totals = np.zeros(len(table.texts), dtype=np.int64)
    rows = np.flatnonzero(table.spaced)
    if len(rows):
        spaced = np.array(counter.word_counts(table.vocab), dtype=np.int64)
        at = np.concatenate(([0], np.cumsum(spaced[table.ids])))
        heads = table.ids[table.start[rows]]
        first = np.zeros(len(table.vocab), dtype=np.int64)
        head_ids = sorted_unique(heads)
        first[head_ids] = counter.word_counts([table.vocab[i] for i in head_ids.tolist()], first=True)
        totals[rows] = at[table.start[rows + 1]] - at[table.start[rows]] - spaced[heads] + first[heads]
        texts, runs = table.texts, {}
        for r in rows.tolist():
            if "  " in texts[r]:
                for run in _SPACE_RUNS.findall(texts[r]):
                    if run not in runs:
                        runs[run] = counter.count(run[1:])
                    totals[r] += runs[run]
    for r in np.flatnonzero(~table.spaced).tolist():
        totals[r] = counter.count(table.texts[r])
    return totals[table.row].tolist()
