"""The exact Jaccard check and components behind near-dup merging, against plain Python sets."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.prepare.minhash import (
    _jaccard_at_least,
    _permutations,
    _windowed_search,
    band_key_order,
    band_keys,
    code_sets,
    lsh_candidates,
    minhash_band_keys,
    minhash_signatures,
    mix64,
    verified_components,
)

passages = st.lists(st.lists(st.integers(0, 12), max_size=10), min_size=2, max_size=30)


def _sets(words: list[list[int]]):
    codes = np.array([w for p in words for w in p], dtype=np.int64)
    lengths = np.array([len(p) for p in words], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    return code_sets(codes, starts, 13)


def _pairs(n: int, data) -> np.ndarray:
    picks = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60))
    return np.array(sorted({(min(a, b), max(a, b)) for a, b in picks if a != b}), dtype=np.int64).reshape(-1, 2)


def _jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


@given(passages, st.floats(0.1, 1.0), st.data())
@settings(max_examples=300, deadline=None)
def test_jaccard_check_is_exact(words, threshold, data):
    pairs = _pairs(len(words), data)
    got = _jaccard_at_least(_sets(words), pairs, threshold).tolist()
    assert got == [bool(words[a]) and bool(words[b]) and _jaccard(set(words[a]), set(words[b])) >= threshold
                   for a, b in pairs.tolist()]


@given(st.lists(st.integers(0, 40), min_size=1, max_size=80), st.integers(1, 7), st.data())
@settings(max_examples=300, deadline=None)
def test_windowed_search_equals_searchsorted(raw, block, data):
    # Keys ``owner * 100 + code``, each owner's keys sorted; queries grouped by ascending owner.
    owners = sorted(data.draw(st.lists(st.integers(0, 5), min_size=len(raw), max_size=len(raw))))
    keys = np.unique(np.array(owners) * 100 + np.array(raw))
    owner_of = keys // 100
    set_size = np.bincount(owner_of, minlength=6)
    set_start = np.cumsum(set_size) - set_size
    present = np.flatnonzero(set_size)
    q_owner = np.sort(np.array(data.draw(st.lists(st.sampled_from(present.tolist()), max_size=40)), dtype=np.int64))
    query = q_owner * 100 + np.array(data.draw(st.lists(st.integers(0, 99), min_size=len(q_owner),
                                                        max_size=len(q_owner))), dtype=np.int64)
    got = _windowed_search(keys, query, q_owner, set_start, set_size, block=block)
    assert got.tolist() == np.searchsorted(keys, query).tolist()


@given(passages, st.floats(0.1, 1.0), st.integers(1, 5), st.data())
@settings(max_examples=200, deadline=None)
def test_components_are_those_of_the_verified_pairs(words, threshold, batch, data):
    pairs = _pairs(len(words), data)
    parent = list(range(len(words)))

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs.tolist():
        if words[a] and words[b] and _jaccard(set(words[a]), set(words[b])) >= threshold:
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)
    expected = [root(x) for x in range(len(words))]
    assert verified_components(_sets(words), pairs, threshold, batch=batch).tolist() == expected


@given(st.integers(1, 6), st.sampled_from([1, 2, 7, 300, 511, 512, 513, 1500]), st.integers(1, 2**64 - 1),
       st.integers(0, 2**32))
@settings(max_examples=200, deadline=None)
def test_band_key_order_is_lexsort_by_band_then_key(bands, n, key_range, seed):
    # Few distinct keys (ties within a band keep position order) as well as 64-bit ones.
    keys = np.random.default_rng(seed).integers(0, key_range, size=(bands, n), dtype=np.uint64, endpoint=True)
    want = np.lexsort((keys.ravel(), np.repeat(np.arange(bands), n)))
    assert band_key_order(keys).tolist() == want.tolist()


@given(st.integers(0, 2**32), st.integers(1, 64))
@settings(max_examples=100, deadline=None)
def test_band_key_order_with_keys_differing_only_in_the_position_bits(seed, distinct_high):
    # Keys whose high bits repeat while their low bits (where the positions are packed) differ
    # in one band only: that band is sorted the stable way, the others by the packed sort.
    rng = np.random.default_rng(seed)
    n = 600
    keys = rng.integers(0, distinct_high, size=(3, n), dtype=np.uint64) << np.uint64(40)
    keys[1] |= rng.integers(0, 4, size=n, dtype=np.uint64)
    want = np.lexsort((keys.ravel(), np.repeat(np.arange(3), n)))
    assert band_key_order(keys).tolist() == want.tolist()


@given(st.integers(1, 40), st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.data())
@settings(max_examples=200, deadline=None)
def test_lsh_candidates_are_the_same_whatever_the_batch_of_bands(n, bands, rows, values, data):
    """Bucketing the bands a few at a time gives the pairs of bucketing them all at once."""
    cells = data.draw(st.lists(st.integers(0, values), min_size=n * bands * rows, max_size=n * bands * rows))
    sig = np.array(cells, dtype=np.uint64).reshape(n, bands * rows)
    small = data.draw(st.integers(2, 8))
    every = lsh_candidates(sig, bands, small, batch_keys=n * bands)
    for batch in (1, n, 2 * n + 1):
        assert np.array_equal(lsh_candidates(sig, bands, small, batch_keys=batch), every)


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
def test_mix64_is_the_splitmix64_finalizer(values):
    """``mix64`` (in place, with one scratch array) equals the finalizer as written in Python's
    integers, mod 2**64."""
    def finalize(z: int) -> int:
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
        return z ^ (z >> 31)

    x = np.array(values, dtype=np.uint64)
    assert mix64(x).tolist() == [finalize(v) for v in values]
    assert x.tolist() == values  # the input is left as it was


@given(st.lists(st.integers(0, 40), min_size=1, max_size=400), st.integers(0, 2**32))
@settings(max_examples=20, deadline=None)
def test_minhash_in_chunks_equals_every_permutation_at_once(sizes, seed):
    """The chunked path (inputs over 4,096 shingles at 64 permutations) gives each passage the
    minimum of ``(x ^ m) * a`` over its shingles, as computing every permutation at once does;
    empty passages keep the all-ones row."""
    sizes = [*sizes, 5000]  # enough shingles for the chunked path
    shingles = np.random.default_rng(seed).integers(0, 2**64, size=sum(sizes), dtype=np.uint64)
    starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
    masks, mults = _permutations(64)
    expected = np.full((len(sizes), 64), np.uint64(2**64 - 1), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, (a, n) in enumerate(zip(starts.tolist(), sizes)):
            if n:
                expected[i] = ((shingles[a : a + n, None] ^ masks[None, :]) * mults[None, :]).min(axis=0)
    assert np.array_equal(minhash_signatures(shingles, starts, 64), expected)


@given(st.lists(st.integers(0, 30), min_size=1, max_size=300), st.booleans(), st.integers(0, 2**32))
@settings(max_examples=30, deadline=None)
def test_band_keys_made_chunk_by_chunk_are_those_of_the_signatures(sizes, large, seed):
    """Without the signature matrix (either path: chunks, or all at once for few shingles),
    empty passages included; and each key is its band's rows folded as ``band_keys`` says."""
    sizes = [*sizes, 5000] if large else sizes
    shingles = np.random.default_rng(seed).integers(0, 2**64, size=sum(sizes), dtype=np.uint64)
    starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
    sig = minhash_signatures(shingles, starts, 64)
    keys = minhash_band_keys(shingles, starts, 64, 16)
    assert np.array_equal(keys, band_keys(sig.T, 16))
    for i in range(0, len(sizes), 37):
        for b in (0, 15):
            key = mix64(sig[i, 4 * b : 4 * b + 1])
            for r in range(1, 4):
                key = mix64(key ^ sig[i, 4 * b + r : 4 * b + r + 1])
            assert keys[b, i] == key[0]

