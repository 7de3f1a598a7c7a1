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
    """The positions ``start, start + 1, ..., start + length - 1`` of each range, one after the other."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)
