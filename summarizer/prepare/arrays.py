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


def run_bounds(offsets: np.ndarray, total: int, size: int) -> list[int]:
    """Item indices ``0 = b0 < b1 < ... = len(offsets)`` cutting items into runs of about ``size``
    elements: item ``k`` starts at element ``offsets[k]`` (ascending) of ``total``, and a run
    starts at the first item starting at or after each multiple of ``size``. Stages that make one
    large array's worth of work in cache-sized runs of whole items (passages, texts, sources)."""
    cuts = np.searchsorted(offsets, np.arange(0, total, size))
    return sorted_unique(np.concatenate(([0], cuts, [len(offsets)]))).tolist()


def first_appearance_ids(items: Iterable[Hashable], n: int) -> tuple[np.ndarray, list]:
    """Each of the ``n`` items' number among the distinct ones in order of first appearance, and
    the distinct ones by number. At C speed: setdefault maps each item to its first position, and
    first positions in order are the numbers."""
    first_at: dict = {}
    at = np.fromiter(map(first_at.setdefault, items, count()), dtype=np.int64, count=n)
    ids = (np.cumsum(at == np.arange(n)) - 1)[at] if n else at
    return ids, list(first_at)


def first_occurrences(keys: np.ndarray, key_bits: int) -> np.ndarray:
    """Positions of the first occurrence of each distinct value of ``keys`` (non-negative, below
    ``2**key_bits``), ascending. With the positions packed below the keys, a plain sort lists
    each key's occurrences in position order: several times faster than ``np.unique``'s stable
    sort and the second sort of its first positions."""
    total = len(keys)
    at_bits = max(1, total.bit_length())
    if key_bits + at_bits > 63:
        _, first = np.unique(keys, return_index=True)
        return np.sort(first)
    packed = keys << at_bits
    packed |= np.arange(total)
    packed.sort()
    runs = np.empty(total, dtype=bool)
    runs[:1] = True
    np.not_equal(packed[1:] >> at_bits, packed[:-1] >> at_bits, out=runs[1:])
    packed &= (1 << at_bits) - 1
    first = np.zeros(total, dtype=bool)
    first[packed[runs]] = True
    return np.flatnonzero(first)


def ranges(starts: np.ndarray, lengths: np.ndarray, block: int = 1 << 20, at_once: int = 1 << 22) -> np.ndarray:
    """The positions ``start, start + 1, ..., start + length - 1`` of each range, one after the other.

    Up to ``at_once`` positions (32 MiB), ``arange + repeat``. Beyond, their temporaries (three of
    the output's size, three of the ranges') were ~600 MB for dedup's words at 100 MB, each
    mapped and faulted in afresh: then one array of the output's size, ones with each range's
    first slot holding the step from the previous range's last position, summed in place; the
    steps are made ``block`` ranges at a time."""
    starts, lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total <= at_once:
        ends = np.cumsum(lengths)
        return np.arange(total) + np.repeat(starts - (ends - lengths), lengths)
    out = np.ones(total, dtype=np.int64)
    at, last = 0, 0  # slots filled so far; the last position of the last range with any
    for a in range(0, len(lengths), block):
        s, n = starts[a : a + block], lengths[a : a + block]
        keep = n > 0
        if not keep.all():  # an empty range has no slot to hold its step
            s, n = s[keep], n[keep]
        if not len(n):
            continue
        ends = np.cumsum(n)
        steps = np.empty(len(n), dtype=np.int64)
        steps[0] = s[0] - last if at else s[0]
        steps[1:] = s[1:] - (s[:-1] + n[:-1] - 1)
        out[at + ends - n] = steps
        at, last = at + int(ends[-1]), int(s[-1] + n[-1] - 1)
    return np.cumsum(out, out=out)
