"""MinHash, LSH banding and exact Jaccard checks over word-bigram shingles, in numpy.

The machinery behind ``dedup.near_duplicate_groups``: passages are given as flat arrays of word
ids with each passage's word count; everything here is vectorized and deterministic (no Python
``hash()``, whose seed changes per process).
"""

from __future__ import annotations

import functools
from typing import Iterator, Optional

import numpy as np

from .arrays import run_bounds, sorted_unique

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads ids over all 64 bits (a new uint64 array)."""
    out = np.array(x, dtype=np.uint64)
    return mix64_in_place(out, np.empty_like(out))


def mix64_in_place(x: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """``mix64`` of the uint64 array ``x`` written into ``x`` itself, with ``scratch`` (its shape)
    the only other memory: the expression form made nine temporaries of the input's size (at
    100 MB, LSH's band keys are 58 MB each, and every one was mapped and faulted in afresh)."""
    with np.errstate(over="ignore"):
        for shift, mult in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            np.right_shift(x, np.uint64(shift), out=scratch)
            x ^= scratch
            x *= np.uint64(mult)
        np.right_shift(x, np.uint64(31), out=scratch)
        x ^= scratch
    return x


def word_bigrams(flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The xor masks and odd multipliers of the permutations: fixed, so drawn once per process."""
    rng = np.random.default_rng(0x5EED)
    masks = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    mults = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    masks.flags.writeable = mults.flags.writeable = False
    return masks, mults


def _minhash_blocks(shingles: np.ndarray, starts: np.ndarray, nonempty: np.ndarray,
                    num_perm: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """``(p, q, block)``: the signatures of the non-empty passages (``nonempty``: ``_nonempty``)
    ``p`` to ``q`` (numbered among the non-empty ones), permutation-major (``block[k]`` is permutation k's minima); each
    permutation is ``(x ^ m) * a`` mod 2**64. The block is reused: read it before the next.

    Chunks of whole passages, about 256 KB of shingles each, go through all permutations while
    in cache, and their minima are read while still in cache too. Few shingles (a request of a
    few documents) make one block at once, instead of a loop of three small numpy calls per
    permutation."""
    masks, mults = _permutations(num_perm)
    idx = starts[nonempty]
    if not len(idx):
        return
    if len(shingles) * num_perm <= 1 << 18:
        with np.errstate(over="ignore"):
            hashed = shingles[None, :] ^ masks[:, None]
            hashed *= mults[:, None]
        yield 0, len(idx), np.minimum.reduceat(hashed, idx, axis=1)
        return
    cuts = run_bounds(idx, len(shingles), 1 << 15)
    bounds = np.append(idx, len(shingles))
    hashed = np.empty_like(shingles)
    block = np.empty((num_perm, max(q - p for p, q in zip(cuts[:-1], cuts[1:]))), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for p, q in zip(cuts[:-1], cuts[1:]):
            part, h = shingles[bounds[p] : bounds[q]], hashed[: bounds[q] - bounds[p]]
            local = idx[p:q] - bounds[p]
            for k in range(num_perm):
                np.bitwise_xor(part, masks[k], out=h)
                np.multiply(h, mults[k], out=h)
                np.minimum.reduceat(h, local, out=block[k, : q - p])
            yield p, q, block[:, : q - p]


def _nonempty(starts: np.ndarray, total: int) -> np.ndarray:
    """Which passages (starting at ``starts`` of ``total`` shingles) have any shingle."""
    nonempty = np.ones(len(starts), dtype=bool)
    if len(starts):
        nonempty[:-1] = starts[1:] > starts[:-1]
        nonempty[-1] = starts[-1] < total
    return nonempty


def minhash_signatures(shingles: np.ndarray, starts: np.ndarray, num_perm: int) -> np.ndarray:
    """``(passages, num_perm)`` MinHash matrix (an empty passage's row is all ones)."""
    nonempty = _nonempty(starts, len(shingles))
    rows = np.empty((int(nonempty.sum()), num_perm), dtype=np.uint64)
    for p, q, block in _minhash_blocks(shingles, starts, nonempty, num_perm):
        rows[p:q] = block.T
    return _with_empty(rows, nonempty, np.full(num_perm, _MASK64, dtype=np.uint64), axis=0)


def minhash_band_keys(shingles: np.ndarray, starts: np.ndarray, num_perm: int, bands: int) -> np.ndarray:
    """``band_keys(minhash_signatures(shingles, starts, num_perm).T, bands)``, made chunk by chunk
    without the signature matrix (23 MB at 10 MB, 230 MB at 100 MB, for the one step)."""
    nonempty = _nonempty(starts, len(shingles))
    keys = np.empty((bands, int(nonempty.sum())), dtype=np.uint64)
    for p, q, block in _minhash_blocks(shingles, starts, nonempty, num_perm):
        band_keys(block, bands, out=keys[:, p:q])
    empty_key = band_keys(np.full((num_perm, 1), _MASK64, dtype=np.uint64), bands)[:, 0]
    return _with_empty(keys, nonempty, empty_key, axis=1)


def _with_empty(made: np.ndarray, nonempty: np.ndarray, empty: np.ndarray, axis: int) -> np.ndarray:
    """``made``, the non-empty passages' rows (``axis`` 0) or columns (1), with ``empty`` put in
    for every empty passage."""
    if nonempty.all():
        return made
    shape = list(made.shape)
    shape[axis] = len(nonempty)
    out = np.empty(shape, dtype=made.dtype)
    if axis == 0:
        out[nonempty], out[~nonempty] = made, empty
    else:
        out[:, nonempty], out[:, ~nonempty] = made, empty[:, None]
    return out


def band_keys(block: np.ndarray, bands: int, out: Optional[np.ndarray] = None) -> np.ndarray:
    """LSH bucket keys ``(bands, n)`` of the signatures ``block`` ``(num_perm, n)`` (permutation-
    major): each band's rows mixed in turn (``mix64``, xor the next row, ``mix64``, ...); into
    ``out`` when given."""
    rows, n = block.shape[0] // bands, block.shape[1]
    band = block[: bands * rows].reshape(bands, rows, n)
    keys = np.empty((bands, n), dtype=np.uint64) if out is None else out
    keys[:] = band[:, 0, :]
    scratch = np.empty((bands, n), dtype=np.uint64)
    mix64_in_place(keys, scratch)
    for r in range(1, rows):
        keys ^= band[:, r, :]
        mix64_in_place(keys, scratch)
    return keys


def lsh_candidates(sig: np.ndarray, bands: int, small_group: int = 8, batch_keys: int = 1 << 17) -> np.ndarray:
    """``lsh_pairs`` of the band keys of the signatures ``sig`` ``(passages, num_perm)``."""
    return lsh_pairs(band_keys(sig.T, bands), small_group, batch_keys)


def lsh_pairs(keys: np.ndarray, small_group: int = 8, batch_keys: int = 1 << 17) -> np.ndarray:
    """Distinct pairs ``(a, b)``, ``a < b``, of passages sharing at least one LSH band bucket
    (``keys``: ``(bands, passages)``).

    Buckets of up to ``small_group`` passages give all their pairs; larger ones link each member
    to the bucket's first passage (a star), which keeps the pair count linear. Built with numpy
    and de-duplicated across bands, so Python only loops over distinct pairs.
    """
    bands, n = keys.shape
    # Bands are bucketed a batch of about ``batch_keys`` keys at a time (all of them for a small
    # input, where the per-call cost of numpy dominates). Batches of 130,000 keys are as fast as
    # of a million, and the peak memory of the step a quarter (17 against 67 MB at 10 MB).
    step = max(1, min(bands, batch_keys // max(n, 1)))
    found: list[np.ndarray] = []
    for b0 in range(0, bands, step):
        found += _band_pairs(keys[b0 : b0 + step], n, small_group)
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = sorted_unique(np.concatenate(found).astype(np.int64))
    return np.stack([codes // n, codes % n], axis=1)


def _band_pairs(keys: np.ndarray, n: int, small_group: int) -> list[np.ndarray]:
    """Pair codes ``a * n + b`` (``a < b``) of passages sharing a bucket in any of these bands
    (one row of bucket keys per band): all pairs of a small bucket, a star in a large one."""
    # Sorted by (band, key), stably, so a bucket lists its passages ascending.
    flat_keys = keys.ravel()
    band_of = np.repeat(np.arange(len(keys)), n)
    order = band_key_order(keys)
    sk, sb = flat_keys[order], band_of[order]
    brk = np.flatnonzero((sk[1:] != sk[:-1]) | (sb[1:] != sb[:-1])) + 1
    bounds = np.concatenate(([0], brk, [len(order)]))
    sizes = np.diff(bounds)
    passage = order % n
    found: list[np.ndarray] = []
    for size in range(2, small_group + 1):
        groups = np.flatnonzero(sizes == size)
        if len(groups):
            # (groups, size), each row ascending
            members = passage[bounds[groups][:, None] + np.arange(size)]
            p, q = _pair_indices(size)
            found.append((members[:, p] * n + members[:, q]).ravel())
    if (sizes > small_group).any():
        first = passage[bounds[:-1]]  # the smallest member: passages ascend within a bucket
        group_of = np.repeat(np.arange(len(sizes)), sizes)
        large = sizes[group_of] > small_group
        member, root = passage[large], first[group_of[large]]
        keep = member != root
        found.append(root[keep] * n + member[keep])
    return found


def band_key_order(keys: np.ndarray) -> np.ndarray:
    """``np.lexsort((keys.ravel(), band))``, ``band`` being each flat key's row: the flat
    positions sorted by row, then key, ties in position order (a small input keeps ``lexsort``,
    which has less to set up).

    A large one sorts each row's keys with their positions packed into the low bits, which makes
    ties come out in position order without a stable sort (several times slower). Keys that
    differ only in those bits would interleave; a row that has any is sorted stably instead."""
    bands, n = keys.shape
    if n < 512:
        return np.lexsort((keys.ravel(), np.repeat(np.arange(bands), n)))
    shift = np.uint64(max(1, (n - 1).bit_length()))
    low = (np.uint64(1) << shift) - np.uint64(1)
    packed = keys & ~low
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort(axis=1)
    order = (packed & low).astype(np.int64)
    packed >>= shift
    sorted_keys = np.take_along_axis(keys, order, axis=1)
    clash = (packed[:, 1:] == packed[:, :-1]) & (sorted_keys[:, 1:] != sorted_keys[:, :-1])
    for row in np.flatnonzero(clash.any(axis=1)).tolist():
        order[row] = np.argsort(keys[row], kind="stable")
    order += (np.arange(bands) * n)[:, None]
    return order.ravel()


@functools.lru_cache(maxsize=16)
def _pair_indices(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(size, 1)``, made once per size and process (read-only)."""
    p, q = np.triu_indices(size, 1)
    p.flags.writeable = q.flags.writeable = False
    return p, q


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
    keys = sorted_unique(owner * code_range + codes, kind="stable")  # distinct per passage
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
    found = _windowed_search(keys, query, np.repeat(big, counts), set_start, set_size)
    np.minimum(found, len(keys) - 1, out=found)
    hit = keys[found] == query
    inter = np.zeros(len(pairs))
    if len(todo):
        inter[todo] = np.add.reduceat(hit, firsts, dtype=np.int64)  # no set here is empty
    union_size = np.where(nonempty, la + lb - inter, 1)
    return nonempty & (inter / union_size >= threshold)


def _windowed_search(keys, query, owner, set_start, set_size, block: int = 1 << 14) -> np.ndarray:
    """``np.searchsorted(keys, query)`` for queries grouped by ascending ``owner``, where each
    query's answer lies within its owner's keys. Each block of queries searches only the keys its
    owners span: a small window that stays in cache, where a search of a large corpus's whole
    key array misses the cache at every probe."""
    found = np.empty(len(query), dtype=np.int64)
    for a in range(0, len(query), block):
        b = min(a + block, len(query))
        lo, last = set_start[owner[a]], owner[b - 1]
        hi = set_start[last] + set_size[last]
        found[a:b] = np.searchsorted(keys[lo:hi], query[a:b])
        found[a:b] += lo
    return found


def verified_components(
    sets: tuple[np.ndarray, ...], pairs: np.ndarray, threshold: float, batch: int = 1 << 15
) -> np.ndarray:
    """Component labels (smallest member) of the candidate pairs that pass ``_jaccard_at_least``
    over ``sets`` (from ``code_sets``).

    Pairs are verified in batches; a pair whose ends are already in one component cannot change
    the components, so it is dropped unverified (most star pairs of big LSH buckets are).
    Batches of 32,768 pairs take as long as of 65,536 and half the memory (24 against 47 MB at
    10 MB, where this step was the peak of ``prepare``). The components are a forest over the
    passages, each tree's root its smallest member: a batch finds its pairs' roots and links the
    roots its verified pairs join, so it costs what its pairs do (relabelling every passage
    after each batch grows with the square of the input: 0.17 s of the step's 1.7 s at 100 MB,
    42 batches over 450,000 passages)."""
    parent = np.arange(len(sets[1]))
    for k in range(0, len(pairs), batch):
        part = pairs[k : k + batch]
        first, second = _roots(parent, part[:, 0]), _roots(parent, part[:, 1])
        apart = first != second
        ok = _jaccard_at_least(sets, part[apart], threshold)
        if ok.any():
            _link(parent, first[apart][ok], second[apart][ok])
    return _roots(parent, np.arange(len(parent)))


def _roots(parent: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The root of each of ``nodes`` in the forest ``parent``, which then points them at it."""
    roots = parent[nodes]
    while True:
        up = parent[roots]
        if np.array_equal(up, roots):
            parent[nodes] = roots
            return roots
        roots = up


def _link(parent: np.ndarray, first: np.ndarray, second: np.ndarray) -> None:
    """Join the trees of roots ``first[i]`` and ``second[i]``: each root involved is pointed at
    the smallest root of its new component, which stays the smallest member."""
    nodes = sorted_unique(np.concatenate((first, second)))
    edges = np.stack([np.searchsorted(nodes, first), np.searchsorted(nodes, second)], axis=1)
    parent[nodes] = nodes[min_labels(len(nodes), edges)]


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
