"""Exact and near-duplicate merging of sentences across and within sources.

Each sentence becomes a unit, or joins the unit of a passage it duplicates; a unit keeps every
occurrence ``(source_id, start, end)``. Two passes, both linear in input size:

1. exact: sentences whose normalized word sequence is equal share a unit (one dict lookup each);
2. near: MinHash over word-bigram shingles with LSH banding proposes candidate pairs, and a
   candidate is merged only if the true Jaccard similarity of the shingle sets reaches the
   threshold (so LSH can miss, but never merges wrongly). Large LSH buckets are linked as a star
   to their first member, which keeps the pair count linear.

Words are split at lower-to-upper case changes so that text glued by scrapers ("overCredit")
still shares its words with the clean copy. Hashing is numpy-vectorized and deterministic (no
Python ``hash()``, whose seed changes per process).
"""

from __future__ import annotations

import re
from itertools import count, repeat
from typing import Optional, Sequence

import numpy as np

from .models import SourceSentence, Unit

WORD_RE = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])|[^\W_]+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
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
    return " ".join(WORD_RE.findall(text)).lower()


def normalized_keys(texts: Sequence[str]) -> list[str]:
    """``[normalized_key(t) for t in texts]``, the ASCII fast path run over all texts at once.

    Texts are joined by newlines (which the tables map to spaces, so no glue pattern or word spans
    two texts). Besides ASCII, a text may hold non-word characters (curly quotes, dashes): WORD_RE
    treats them like ASCII punctuation, as separators, so they become "?". Texts with case glue or
    a non-ASCII word character take the regex. Space runs are collapsed in numpy, and the keys
    split apart in one call."""
    if not texts:
        return []
    joined = "\n".join(texts)
    seps = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)[:-1] - 1
    clipped = joined.encode("ascii", "replace")  # one "?" per non-ASCII character
    slow = set()
    if not joined.isascii():
        # The texts whose non-ASCII characters include a word character.
        others = [k for k, t in enumerate(texts) if not t.isascii()]
        chars = "".join(texts[k] for k in others).encode("utf-32-le", "surrogatepass")
        chars = np.frombuffer(chars, dtype=np.uint32)
        letters = [ch for ch in np.unique(chars[chars > 127]).tolist() if chr(ch).isalnum()]
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


def _regex_key(text: str) -> str:
    return " ".join(WORD_RE.findall(text)).lower()


def normalized_words(text: str) -> list[str]:
    key = normalized_key(text)
    return key.split(" ") if key else []


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads ids over all 64 bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def shingle_arrays(word_ids: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """All bigram shingle hashes, flat, plus each passage's start offset into them.

    A one-word passage gets its word as a single shingle; an empty one gets none.
    """
    flat_list: list[int] = []
    for w in word_ids:
        flat_list.extend(w)
    return shingle_arrays_flat(
        np.array(flat_list, dtype=np.uint64), np.array([len(w) for w in word_ids], dtype=np.int64)
    )


def shingle_arrays_flat(flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``shingle_arrays`` for word ids already laid out flat, with each passage's word count."""
    bigrams, sh_starts = _bigrams(flat, lengths)
    return _mix(bigrams), sh_starts


def _bigrams(flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each passage's word bigrams ``a << 32 | b`` (a lone word is ``a << 32``), flat, plus each
    passage's start offset into them; their hashes are the shingles."""
    n_sh = np.where(lengths >= 2, lengths - 1, lengths)
    word_starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    sh_starts = np.concatenate(([0], np.cumsum(n_sh)[:-1])).astype(np.int64)
    # Bigram (a, b) at every word position; positions that end a passage are dropped below.
    nxt = np.empty_like(flat)
    if len(flat):
        nxt[:-1] = flat[1:]
        nxt[-1] = 0
    pairs = (flat << np.uint64(32)) | nxt
    keep = np.ones(len(flat), dtype=bool)
    ends = word_starts + lengths - 1
    multi = lengths >= 2
    keep[ends[multi]] = False  # the last word of a multi-word passage starts no bigram
    single = lengths == 1
    pairs[word_starts[single]] = flat[word_starts[single]] << np.uint64(32)
    return pairs[keep], sh_starts


def minhash_signatures(shingles: np.ndarray, starts: np.ndarray, num_perm: int) -> np.ndarray:
    """``(passages, num_perm)`` MinHash matrix; each permutation is ``(x ^ m) * a`` mod 2**64."""
    rng = np.random.default_rng(0x5EED)
    masks = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    mults = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    n = len(starts)
    sig = np.full((n, num_perm), _MASK64, dtype=np.uint64)
    if not len(shingles):
        return sig
    nonempty = np.ones(n, dtype=bool)
    nonempty[:-1] = starts[1:] > starts[:-1]
    nonempty[-1] = starts[-1] < len(shingles)
    idx = starts[nonempty]
    # Chunks of whole passages, about 256 KB of shingles each, go through all permutations while
    # in cache; results fill rows of a permutation-major block, transposed into place once.
    cuts = np.searchsorted(idx, np.arange(0, len(shingles), 1 << 15))
    cuts = np.unique(np.append(cuts, len(idx))).tolist()
    bounds = np.append(idx, len(shingles))
    hashed = np.empty_like(shingles)
    block = np.empty((num_perm, len(idx)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p, q in zip(cuts[:-1], cuts[1:]):
            part, h = shingles[bounds[p] : bounds[q]], hashed[: bounds[q] - bounds[p]]
            local = idx[p:q] - bounds[p]
            for k in range(num_perm):
                np.bitwise_xor(part, masks[k], out=h)
                np.multiply(h, mults[k], out=h)
                np.minimum.reduceat(h, local, out=block[k, p:q])
    sig[nonempty] = block.T
    return sig


def _sorted_unique(x: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``np.unique`` by sorting (numpy 2's hash-based unique is several times slower here)."""
    x = np.sort(x, kind=kind)
    if len(x) < 2:
        return x
    return x[np.concatenate(([True], x[1:] != x[:-1]))]


def lsh_candidates(sig: np.ndarray, bands: int, small_group: int = 8) -> np.ndarray:
    """Distinct pairs ``(a, b)``, ``a < b``, of passages sharing at least one LSH band bucket.

    Buckets of up to ``small_group`` passages give all their pairs; larger ones link each member
    to the bucket's first passage (a star), which keeps the pair count linear. Built with numpy
    and de-duplicated across bands, so Python only loops over distinct pairs.
    """
    n, num_perm = sig.shape
    rows = num_perm // bands
    # Every band's bucket key at once, one row per band.
    band = sig[:, : bands * rows].reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        keys = _mix(band[:, :, 0])
        for r in range(1, rows):
            keys = _mix(keys ^ band[:, :, r])
    keys = np.ascontiguousarray(keys.T)
    # Pairs are collected as codes ``a * n + b`` with ``a < b``.
    found: list[np.ndarray] = []
    for key in keys:
        order = np.argsort(key, kind="stable")  # equal keys keep ascending passage order
        sk = key[order]
        brk = np.flatnonzero(sk[1:] != sk[:-1]) + 1
        bounds = np.concatenate(([0], brk, [n]))
        sizes = np.diff(bounds)
        for size in range(2, small_group + 1):
            groups = np.flatnonzero(sizes == size)
            if len(groups):
                # (groups, size), each row ascending
                members = order[bounds[groups][:, None] + np.arange(size)]
                p, q = np.triu_indices(size, 1)
                found.append((members[:, p] * n + members[:, q]).ravel())
        if (sizes > small_group).any():
            first = order[bounds[:-1]]  # the smallest member: order is ascending within a bucket
            group_of = np.repeat(np.arange(len(sizes)), sizes)
            large = sizes[group_of] > small_group
            member, root = order[large], first[group_of[large]]
            keep = member != root
            found.append(root[keep] * n + member[keep])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = _sorted_unique(np.concatenate(found).astype(np.int64))
    return np.stack([codes // n, codes % n], axis=1)


def jaccard_at_least(
    shingles: np.ndarray, starts: np.ndarray, pairs: np.ndarray, threshold: float
) -> np.ndarray:
    """For each pair ``(a, b)`` of passages, whether the true Jaccard similarity of their shingle
    sets reaches ``threshold`` (False when either set is empty)."""
    return _jaccard_at_least(shingle_sets(shingles, starts), pairs, threshold)


def shingle_sets(shingles: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, ...]:
    """``code_sets`` with shingles renumbered densely (only equality of shingles matters)."""
    _, dense = np.unique(shingles, return_inverse=True)
    return code_sets(dense.astype(np.int64), starts, len(shingles))


def code_sets(codes: np.ndarray, starts: np.ndarray, code_range: int) -> tuple[np.ndarray, ...]:
    """Sorted keys ``passage * code_range + code`` of each passage's distinct shingle codes (any
    numbering of the shingles in ``[0, code_range)``), each passage's first key index, set size
    and ``code_range``. Needs ``len(starts) * code_range < 2**63``."""
    n = len(starts)
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(np.append(starts, len(codes))))
    # Keys come ordered by passage, each passage's few in any order: timsort ("stable") merges
    # such runs several times faster than the default sort.
    keys = _sorted_unique(owner * code_range + codes, kind="stable")  # distinct per passage
    set_size = np.bincount(keys // code_range, minlength=n)
    set_start = np.cumsum(set_size) - set_size
    return keys, set_start, set_size, code_range


def _jaccard_at_least(sets: tuple[np.ndarray, ...], pairs: np.ndarray, threshold: float):
    """A pair's intersection is how many of the smaller set's keys, re-tagged with the other
    passage, a binary search finds. Exact, no per-pair Python."""
    keys, set_start, set_size, code_range = sets
    if not len(pairs):
        return np.zeros(0, dtype=bool)
    a, b = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    la, lb = set_size[a], set_size[b]
    nonempty = (la > 0) & (lb > 0)
    # Jaccard <= min/max of the set sizes, and rounding keeps that order, so a pair failing
    # that bound fails the exact test below too: skip its lookups.
    lo, hi = np.minimum(la, lb), np.maximum(la, lb)
    todo = np.flatnonzero(nonempty & (lo / np.maximum(hi, 1) >= threshold))
    # Looking the pairs up grouped by their larger passage makes the binary searches walk the
    # keys in nearly ascending order, which keeps them in cache.
    big = np.where(la > lb, a, b)[todo]
    order = np.argsort(big, kind="stable")
    todo, big = todo[order], big[order]
    small = np.where(la > lb, b, a)[todo]
    counts = set_size[small]
    firsts = np.cumsum(counts) - counts  # each pair's first query
    # Every key of the small set, moved to the big passage by adding the key difference.
    query = np.repeat(set_start[small] - firsts, counts)
    query += np.arange(len(query))
    query = keys[query]
    query += np.repeat((big - small) * code_range, counts)
    found = np.searchsorted(keys, query)
    np.minimum(found, len(keys) - 1, out=found)
    hit = keys[found] == query
    inter = np.zeros(len(pairs))
    if len(todo):
        inter[todo] = np.add.reduceat(hit, firsts, dtype=np.int64)  # no set here is empty
    union_size = np.where(nonempty, la + lb - inter, 1)
    return nonempty & (inter / union_size >= threshold)


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = 0.7, num_perm: int = 64, bands: int = 16
) -> list[int]:
    """For each text, the index of the first text of its duplicate group (itself if none)."""
    n = len(texts)
    if not n:
        return []
    # Equal texts have equal keys: normalize each distinct text once. Distinct texts are
    # numbered in order of first appearance.
    number = dict.fromkeys(texts)
    number = dict(zip(number, range(len(number))))
    text_no = np.fromiter(map(number.__getitem__, texts), dtype=np.int64, count=n)
    keys = normalized_keys(list(number))
    # Exact pass: each passage points at the first one with its key. That is the first occurrence
    # of the first distinct text with the key (first appearances are in order).
    first_with: dict[str, int] = {}
    first_text = np.array([first_with.setdefault(k, d) for d, k in enumerate(keys)], dtype=np.int64)
    seen = np.maximum.accumulate(text_no)
    first_occurrence = np.flatnonzero(np.concatenate(([True], seen[1:] > seen[:-1])))
    first = first_occurrence[first_text[text_no]]
    uniq = np.flatnonzero(first == np.arange(n))
    labels = np.arange(len(uniq))
    # Near pass over distinct passages only.
    if len(uniq) > 1:
        uniq_keys = [keys[d] for d in text_no[uniq].tolist()]
        m = len(uniq_keys)  # word counts: spaces + 1, or 0 for an empty key
        lengths = np.fromiter(map(str.count, uniq_keys, repeat(" ")), dtype=np.int64, count=m)
        lengths += np.fromiter(map(bool, uniq_keys), dtype=np.int64, count=m)
        # Word ids numbered 1.. in order of first appearance, built at C speed: setdefault maps
        # each word to its first position, and first positions in order are the ids.
        all_words = " ".join(k for k in uniq_keys if k).split(" ") if any(uniq_keys) else []
        first_at: dict[str, int] = {}
        at = map(first_at.setdefault, all_words, count())
        at = np.fromiter(at, dtype=np.int64, count=len(all_words))
        new_word = at == np.arange(len(at))
        flat = np.cumsum(new_word, dtype=np.uint64)[at]
        bigrams, starts = _bigrams(flat, lengths)
        sig = minhash_signatures(_mix(bigrams), starts, num_perm)
        pairs = lsh_candidates(sig, bands)
        # The bigrams themselves number the shingles (mixing is a bijection), so the exact sets
        # need no renumbering pass: ``a * (V + 1) + b`` for word ids ``a, b <= V``.
        span = len(first_at) + 1
        if len(starts) * span * span <= _MAX_KEY:
            codes = (bigrams >> np.uint64(32)).astype(np.int64) * span + (
                bigrams & np.uint64(0xFFFFFFFF)
            ).astype(np.int64)
            sets = code_sets(codes, starts, span * span)
        else:
            sets = shingle_sets(_mix(bigrams), starts)
        # Components of the verified-pair graph do not depend on the order pairs come in, so
        # every candidate is verified at once and components are found in numpy.
        labels = verified_components(sets, pairs, threshold)
    # uniq is ascending, so a component's smallest local index is its first passage.
    return uniq[labels[np.searchsorted(uniq, first)]].tolist()


def verified_components(
    sets: tuple[np.ndarray, ...], pairs: np.ndarray, threshold: float, batch: int = 16384
) -> np.ndarray:
    """Component labels (smallest member) of the candidate pairs that pass ``_jaccard_at_least``
    over ``sets`` (from ``code_sets``).

    Pairs are verified in batches; a pair whose ends are already in one component cannot change
    the components, so it is dropped unverified (most star pairs of big LSH buckets are)."""
    labels = np.arange(len(sets[1]))
    for k in range(0, len(pairs), batch):
        part = pairs[k : k + batch]
        part = part[labels[part[:, 0]] != labels[part[:, 1]]]
        ok = part[_jaccard_at_least(sets, part, threshold)]
        if len(ok):
            # Merge at the level of current components: link their labels, then relabel.
            labels = min_labels(len(labels), labels[ok])[labels]
    return labels


def min_labels(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes: each node's label is the smallest node of its
    component (what a union-find keeping the smaller root gives). Min-label propagation with
    pointer jumping; a label is always a node of the same component no larger than the node,
    so at the fixed point every component carries its minimum."""
    labels = np.arange(n)
    if not len(edges):
        return labels
    u, v = edges[:, 0], edges[:, 1]
    while True:
        low = np.minimum(labels[u], labels[v])
        new = labels.copy()
        np.minimum.at(new, u, low)
        np.minimum.at(new, v, low)
        jumped = new[new]
        while not np.array_equal(jumped, new):
            new, jumped = jumped, jumped[jumped]
        if np.array_equal(new, labels):
            return labels
        labels = new


def build_units(
    sentences: Sequence[SourceSentence], texts: dict[str, str], threshold: float = 0.7,
    passages: Optional[Sequence[str]] = None,
) -> list[Unit]:
    """Merge ``sentences`` (in document order) into units with every occurrence kept.

    ``passages`` are the sentences' texts when the caller has them already (same order)."""
    if not sentences:
        return []
    if passages is None:
        passages = [texts[s.source_id][s.start : s.end] for s in sentences]
    roots = np.array(near_duplicate_groups(passages, threshold=threshold), dtype=np.int64)
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
    return units
