"""Numpy helpers the stages share. Pure."""

from __future__ import annotations

from itertools import count
from typing import Hashable, Iterable

import numpy as np


def sorted_unique(x: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``np.unique(x)`` of a 1-d array, by sorting: numpy 2's hash-based ``unique`` was several
    times slower on these arrays, and its first call imports ``numpy.ma`` (~17 ms of a run)."""
    x = np.sort(x, kind=kind)
    if len(x) < 2:
        return x
    return x[np.concatenate(([True], x[1:] != x[:-1]))]


def first_appearance_ids(items: Iterable[Hashable], n: int) -> tuple[np.ndarray, list]:
    """Each of the ``n`` items' number among the distinct ones in order of first appearance, and
    the distinct ones by number. At C speed: setdefault maps each item to its first position, and
    first positions in order are the numbers."""
    first_at: dict = {}
    at = np.fromiter(map(first_at.setdefault, items, count()), dtype=np.int64, count=n)
    ids = (np.cumsum(at == np.arange(n)) - 1)[at] if n else at
    return ids, list(first_at)


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``start, start + 1, ..., start + length - 1`` of each range, one after the other.

    One array of the output's size: ones, with each range's first slot holding the step from the
    previous range's last position, summed in place (``arange + repeat`` made three of that size
    and three of the ranges', ~600 MB of temporaries for dedup's words at 100 MB)."""
    starts, lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    keep = lengths > 0
    if not keep.all():  # an empty range has no slot to hold its step
        starts, lengths = starts[keep], lengths[keep]
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    out = np.ones(int(ends[-1]), dtype=np.int64)
    out[0] = starts[0]
    out[ends[:-1]] = starts[1:] - (starts[:-1] + lengths[:-1] - 1)
    return np.cumsum(out, out=out)
