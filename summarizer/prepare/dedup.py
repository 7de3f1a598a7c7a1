"""Exact and near-duplicate merging of sentences across and within sources.

Each sentence becomes a unit, or joins the unit of a passage it duplicates; a unit keeps every
occurrence ``(source_id, start, end)``. Two passes, both linear in input size:

1. exact: sentences whose normalized word sequence is equal share a unit (one dict lookup each);
2. near: MinHash over word-bigram shingles with LSH banding proposes candidate pairs, and a
   candidate is merged only if the true Jaccard similarity of the shingle sets reaches the
   threshold (so LSH can miss, but never merges wrongly). Large LSH buckets are linked as a star
   to their first member, which keeps the pair count linear.

Words are split at lower-to-upper case changes so that text glued by scrapers ("overCredit")
still shares its words with the clean copy. The MinHash/LSH/Jaccard machinery is in
``minhash.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat
from typing import Optional, Sequence

import numpy as np

from .arrays import first_appearance_ids, ranges, run_bounds, sorted_unique
from .chunks import SentenceChunks, sentence_chunks
from .minhash import (
    code_sets,
    lsh_pairs,
    minhash_band_keys,
    mix64,
    shingle_sets,
    verified_components,
    word_bigrams,
)
from .spans import SourceSentence, Unit

WORD_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])|[^\W_]+")
_MAX_KEY = 2**63 - 1  # int64 keys of the exact shingle sets


# ASCII fast path of ``normalized_key``. In ASCII text WORD_RE's words are the runs of
# [A-Za-z0-9], except that a run is split when it has an upper-case letter after a lower-case
# letter or digit, or starts with two capitals and later has a lower-case letter ("ABCdef" ->
# "AB", "Cdef"). Over a class string (A upper, a lower, 0 digit) those are exactly the runs with
# "aA", "0A" or "AA[A0]*a"; the latter contains "AAa" or "A0", so a text with none of these four
# pairs/triples has no split run (checking "A0" also rejects some unsplit runs like "G20", which
# just take the regex). The same text is then lower-cased and split at C speed with bytes tables.
_ASCII_CLASS = bytes(  # upper-case letters to "A", lower-case to "a", digits to "0", else " "
    65 if 65 <= c <= 90 else 97 if 97 <= c <= 122 else 48 if 48 <= c <= 57 else 32
    for c in range(256)
)
_ASCII_LOWER_WORDS = bytes(  # letters lower-cased, digits kept, anything else a space
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32
    for c in range(256)
)


def normalized_key(text: str) -> str:
    """The passage's words, lower-cased, joined by single spaces (words never contain spaces, so
    one ``lower()`` of the joined string equals lower-casing each word, at a fraction of the cost)."""
    if text.isascii():
        raw = text.encode("ascii")
        cls = raw.translate(_ASCII_CLASS)
        if not (b"aA" in cls or b"0A" in cls or b"A0" in cls or b"AAa" in cls):
            return b" ".join(raw.translate(_ASCII_LOWER_WORDS).split()).decode("ascii")
    return _regex_key(text)


def _regex_key(text: str) -> str:
    return " ".join(WORD_RE.findall(text)).lower()


def normalized_keys(texts: Sequence[str], block_chars: int = 1 << 18) -> list[str]:
    """``[normalized_key(t) for t in texts]``, the ASCII fast path run over many texts at once.

    Texts are joined by newlines (which the tables map to spaces, so no glue pattern or word spans
    two texts). Besides ASCII, a text may hold non-word characters (curly quotes, dashes): WORD_RE
    treats them like ASCII punctuation, as separators, so they become "?". Texts with case glue or
    a non-ASCII word character take the regex. Space runs are collapsed in numpy, and the keys
    split apart in one call."""
    if not texts:
        return []
    # In blocks of about ``block_chars``: the dozen passes below over arrays that stay in the CPU
    # caches are several times faster than over arrays of a whole large corpus.
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1  # each with its newline
    ends = np.cumsum(sizes)
    bounds = run_bounds(ends - sizes, int(ends[-1]), block_chars)
    keys: list[str] = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        # The newlines joining the block's texts, at block-local offsets.
        seps = ends[a : b - 1] - (ends[a - 1] if a else 0) - 1
        keys += _keys_block(texts[a:b], seps)
    return keys


def _keys_block(texts: Sequence[str], seps: np.ndarray) -> list[str]:
    joined = "\n".join(texts)
    clipped = joined.encode("ascii", "replace")  # one "?" per non-ASCII character
    slow = set()
    if not joined.isascii():
        # The texts whose non-ASCII characters include a word character.
        others = [k for k, t in enumerate(texts) if not t.isascii()]
        chars = "".join(texts[k] for k in others).encode("utf-32-le", "surrogatepass")
        chars = np.frombuffer(chars, dtype=np.uint32)
        letters = [ch for ch in sorted_unique(chars[chars > 127]).tolist() if chr(ch).isalnum()]
        ends = np.cumsum(np.fromiter((len(texts[k]) for k in others), dtype=np.int64))
        holder = np.searchsorted(ends, np.flatnonzero(np.isin(chars, letters)), side="right")
        slow.update(np.asarray(others)[holder].tolist())
    cls = np.frombuffer(clipped.translate(_ASCII_CLASS), dtype=np.uint8)
    up, low, digit = cls == 65, cls == 97, cls == 48
    pair = ((low[:-1] | digit[:-1]) & up[1:]) | (up[:-1] & digit[1:])  # aA, 0A, A0
    triple = up[:-2] & up[1:-1] & low[2:]  # AAa
    glue = np.concatenate((np.flatnonzero(pair), np.flatnonzero(triple)))
    slow.update(np.searchsorted(seps, glue).tolist())  # the texts holding them
    # Lower-cased words and spaces, with a newline at each text boundary and at both ends.
    c = np.full(len(clipped) + 2, 10, dtype=np.uint8)
    c[1:-1] = np.frombuffer(clipped.translate(_ASCII_LOWER_WORDS), dtype=np.uint8)
    c[seps + 1] = 10
    # Keep the non-spaces, and the first space of a run that has words on both sides.
    keep = c != 32
    run_first = np.flatnonzero(keep[:-1] & ~keep[1:]) + 1
    run_last = np.flatnonzero(~keep[:-1] & keep[1:])  # runs alternate, so these pair up
    keep[run_first[(c[run_first - 1] != 10) & (c[run_last + 1] != 10)]] = True
    keys = c[keep][1:-1].tobytes().decode("ascii").split("\n")
    for k in slow:
        keys[k] = _regex_key(texts[k])
    return keys


def normalized_words(text: str) -> list[str]:
    key = normalized_key(text)
    return key.split(" ") if key else []


@dataclass(frozen=True)
class PassageWords:
    """Every passage's normalized words as word ids, kept from dedup for the backends: passages
    with equal normalized keys form a group and share its words."""

    vocab: list[str]  # word id -> word
    group: np.ndarray  # passage -> its group
    start: np.ndarray  # group g's words are ids[start[g] : start[g + 1]]
    ids: np.ndarray  # word ids, group after group, in text order
    #: Arrays derived from the above by their users (a per-word mask, say), kept for the next one.
    derived: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def words(self, passage: int) -> list[str]:
        """``normalized_words`` of the passage."""
        g = self.group[passage]
        return [self.vocab[i] for i in self.ids[self.start[g] : self.start[g + 1]].tolist()]


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = 0.7, num_perm: int = 64, bands: int = 16
) -> list[int]:
    """For each text, the index of the first text of its duplicate group (itself if none)."""
    return duplicate_groups(texts, threshold, num_perm, bands)[0]


def duplicate_groups(
    texts: Sequence[str], threshold: float = 0.7, num_perm: int = 64, bands: int = 16,
    chunks: Optional[SentenceChunks] = None,
) -> tuple[list[int], PassageWords]:
    """``near_duplicate_groups``, and the passages' words found on the way. ``chunks``: the
    texts' chunk table when the caller has it already (``sentence_chunks(texts)``)."""
    n = len(texts)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return [], PassageWords([], empty, np.zeros(1, dtype=np.int64), empty)
    first, uniq, vocab, flat, lengths = _exact_groups(chunks if chunks is not None else sentence_chunks(texts))
    labels = np.arange(len(uniq))
    group = np.searchsorted(uniq, first)
    words = PassageWords(vocab, group, np.concatenate(([0], np.cumsum(lengths))), flat.astype(np.int64) - 1)
    # Near pass over distinct passages only.
    if len(uniq) > 1:
        bigrams, starts = word_bigrams(flat, lengths)
        pairs = lsh_pairs(minhash_band_keys(mix64(bigrams), starts, num_perm, bands))
        # The bigrams themselves number the shingles (mixing is a bijection), so the exact sets
        # need no renumbering pass: ``a * (V + 1) + b`` for word ids ``a, b <= V``.
        span = len(vocab) + 1
        if len(starts) * span * span <= _MAX_KEY:
            codes = (bigrams >> np.uint64(32)).astype(np.int64) * span + (
                bigrams & np.uint64(0xFFFFFFFF)
            ).astype(np.int64)
            sets = code_sets(codes, starts, span * span)
        else:
            sets = shingle_sets(mix64(bigrams), starts)
        # Components of the verified-pair graph do not depend on the order pairs come in, so
        # every candidate is verified at once and components are found in numpy.
        labels = verified_components(sets, pairs, threshold)
    # uniq is ascending, so a component's smallest local index is its first passage.
    return uniq[labels[group]].tolist(), words


def _exact_groups(table: SentenceChunks) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Exact pass over the passages of ``table``: each passage's first passage with its
    normalized words, the passages that are their own (ascending), and those passages' words
    numbered from 1 in order of first appearance: the words by number less one, every such
    passage's word numbers one after the other (uint64), and each one's word count.

    A text's normalized words are its chunks' (``WORD_RE``'s words never hold whitespace, and
    what follows a word is not a lower-case letter at a chunk's end either way), so only the
    distinct chunks are read; the texts' words are gathered from theirs in numpy."""
    row_words, row_start, words = _row_words(table)
    # Passages with equal word sequences share a group; distinct texts are numbered in order of
    # first appearance (the table's rows).
    first_with: dict[bytes, int] = {}
    bounds = row_start.tolist()
    first_text = np.array([first_with.setdefault(row_words[a:b].tobytes(), d)
                           for d, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]))], dtype=np.int64)
    text_no = table.row
    n = len(text_no)
    # Each passage points at the first one with its words: the first occurrence of the first
    # distinct text with them (first appearances are in order).
    seen = np.maximum.accumulate(text_no)
    first_occurrence = np.flatnonzero(np.concatenate(([True], seen[1:] > seen[:-1])))
    first = first_occurrence[first_text[text_no]]
    uniq = np.flatnonzero(first == np.arange(n))
    # The words of those passages, one after the other. ``_row_words`` numbered the words in
    # order of first appearance in the rows already, which is their order in these passages: a
    # passage left out repeats the words of one kept before it.
    rows = text_no[uniq]
    lengths = row_start[rows + 1] - row_start[rows]
    return first, uniq, words, row_words[ranges(row_start[rows], lengths)].astype(np.uint64) + np.uint64(1), lengths


# Chunk -> normalized key, kept across runs: a server's requests share most of their chunks (the
# words of the language), and normalizing a few hundred short strings costs more than looking
# them up. Emptied when it holds more than ``_CHUNK_KEYS_MAX`` (a run adds its distinct chunks).
_CHUNK_KEYS: dict[str, str] = {}
_CHUNK_KEYS_MAX = 1_000_000


def _chunk_keys(chunks: Sequence[str]) -> list[str]:
    """``normalized_keys(chunks)``, those of chunks seen in earlier runs from ``_CHUNK_KEYS``
    (read once: another thread may empty it meanwhile)."""
    memo = _CHUNK_KEYS
    keys = list(map(memo.get, chunks))
    new = [c for c, k in zip(chunks, keys) if k is None]
    if new:
        made = dict(zip(new, normalized_keys(new)))
        keys = [made[c] if k is None else k for c, k in zip(chunks, keys)]
        if len(memo) > _CHUNK_KEYS_MAX:
            memo.clear()
        memo.update(made)
    return keys


def _row_words(table: SentenceChunks) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each row's normalized words as ids (row r's are ``ids[start[r] : start[r + 1]]``), from its
    chunks' normalized words, and the words by id. Chunks are numbered in order of first
    appearance in the rows, and the words here in the order of the chunks they first appear in,
    so words too are numbered in order of first appearance in the rows."""
    keys = _chunk_keys(table.vocab)
    m = len(keys)  # each chunk's word count: spaces + 1, or 0 for an empty key
    chunk_len = np.fromiter(map(str.count, keys, repeat(" ")), dtype=np.int64, count=m)
    chunk_len += np.fromiter(map(bool, keys), dtype=np.int64, count=m)
    # The distinct chunks' words are few (~30,000 at 10 MB): split all at once.
    words = " ".join(keys).split()
    chunk_ids, vocab = first_appearance_ids(words, len(words))
    chunk_start = np.cumsum(chunk_len) - chunk_len
    per_position = chunk_len[table.ids]
    ids = chunk_ids[ranges(chunk_start[table.ids], per_position)]
    row_start = np.concatenate(([0], np.cumsum(per_position)))[table.start]
    return ids, row_start, vocab


def build_units(
    sentences: Sequence[SourceSentence], texts: dict[str, str], threshold: float = 0.7,
    passages: Optional[Sequence[str]] = None,
) -> list[Unit]:
    """Merge ``sentences`` (in document order) into units with every occurrence kept.

    ``passages`` are the sentences' texts when the caller has them already (same order)."""
    return deduplicate(sentences, texts, threshold, passages)[0]


def deduplicate(
    sentences: Sequence[SourceSentence], texts: dict[str, str], threshold: float = 0.7,
    passages: Optional[Sequence[str]] = None, chunks: Optional[SentenceChunks] = None,
) -> tuple[list[Unit], PassageWords]:
    """``build_units``, and the sentences' words (passage k is ``sentences[k]``; ``chunks``: the
    passages' chunk table, when the caller has it)."""
    if not sentences:
        return [], duplicate_groups([])[1]
    if passages is None:
        passages = [texts[s.source_id][s.start : s.end] for s in sentences]
    roots, words = duplicate_groups(passages, threshold=threshold, chunks=chunks)
    roots = np.array(roots, dtype=np.int64)
    # A root is its group's first sentence (its own root, and no earlier sentence's), so units
    # in order of first appearance are the roots ascending: group sentences by root, stably.
    order = np.argsort(roots, kind="stable")
    bounds = np.flatnonzero(np.diff(roots[order])) + 1
    grouped = list(map(sentences.__getitem__, order.tolist()))
    units = [
        Unit(k, grouped[a:b])
        for k, (a, b) in enumerate(zip([0, *bounds.tolist()], [*bounds.tolist(), len(grouped)]))
    ]
    # Prefer a content occurrence as the canonical text.
    for unit in units:
        if unit.sentences[0].junk is not None:
            unit.sentences.sort(key=lambda s: s.junk is not None)
    return units, words
