"""The numpy helpers the stages share (``prepare/arrays.py``), against plain Python."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.prepare.arrays import first_appearance_ids, first_occurrences, ranges, run_bounds, sorted_unique

_ranges = st.lists(st.tuples(st.integers(-5, 60), st.integers(0, 4)), max_size=30)


@given(_ranges, st.integers(1, 8), st.sampled_from([0, 1 << 22]))
def test_ranges_lists_each_range_in_turn(spans, block, at_once):
    """Both ways: at once (small outputs), and summed steps made a block of ranges at a time."""
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    lengths = np.array([n for _, n in spans], dtype=np.int64)
    got = ranges(starts, lengths, block, at_once)
    assert got.dtype == np.int64
    assert got.tolist() == [s + k for s, n in spans for k in range(n)]


@given(st.lists(st.integers(-3, 3), max_size=40))
def test_sorted_unique_is_sorted_set(values):
    assert sorted_unique(np.array(values, dtype=np.int64)).tolist() == sorted(set(values))


@given(st.lists(st.sampled_from("abcde"), max_size=40))
def test_first_appearance_ids_number_items_as_they_first_appear(items):
    ids, distinct = first_appearance_ids(iter(items), len(items))
    assert distinct == list(dict.fromkeys(items))
    assert ids.tolist() == [distinct.index(x) for x in items]


@given(st.lists(st.integers(0, 9), max_size=30), st.integers(1, 12))
def test_run_bounds_start_a_run_at_the_first_item_past_each_multiple(sizes, size):
    offsets = np.cumsum([0, *sizes[:-1]]).astype(np.int64) if sizes else np.zeros(0, dtype=np.int64)
    total = sum(sizes)
    firsts = {next((k for k, o in enumerate(offsets.tolist()) if o >= m), len(sizes)) for m in range(0, total, size)}
    assert run_bounds(offsets, total, size) == sorted({0, len(sizes)} | firsts)


@given(st.lists(st.integers(0, 40), max_size=200), st.sampled_from([6, 40, 62]))
@settings(max_examples=200, deadline=None)
def test_first_occurrences_are_where_each_value_first_occurs(values, key_bits):
    # 6 and 40 bits leave room to pack positions below the keys; 62 bits do not (np.unique).
    keys = np.array(values, dtype=np.int64) << (key_bits - 6)
    firsts = {}
    for at, key in enumerate(keys.tolist()):
        firsts.setdefault(key, at)
    assert first_occurrences(keys, key_bits).tolist() == sorted(firsts.values())
