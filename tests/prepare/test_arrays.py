"""The numpy helpers the stages share (``prepare/arrays.py``), against plain Python."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from summarizer.prepare.arrays import first_appearance_ids, ranges, sorted_unique

_ranges = st.lists(st.tuples(st.integers(-5, 60), st.integers(0, 4)), max_size=30)


@given(_ranges)
def test_ranges_lists_each_range_in_turn(spans):
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    lengths = np.array([n for _, n in spans], dtype=np.int64)
    got = ranges(starts, lengths)
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
