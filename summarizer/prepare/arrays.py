"""Numpy helpers the stages share. Pure."""

from __future__ import annotations

import numpy as np


def sorted_unique(x: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``np.unique(x)`` of a 1-d array, by sorting: numpy 2's hash-based ``unique`` was several
    times slower on these arrays, and its first call imports ``numpy.ma`` (~17 ms of a run)."""
    x = np.sort(x, kind=kind)
    if len(x) < 2:
        return x
    return x[np.concatenate(([True], x[1:] != x[:-1]))]
