"""What a focus ("What did the donors pledge?") asks about, as a TF-IDF vector. Pure.

The focus's content words, without the words questions and topic statements are made of
("describe", "discuss", "what"), matched to the units' words by a crude stem ("release" finds
"released"), each weighted by its rarity among the units being summarized (the same IDF the
sentence vectors use) and L2-normalized.
A sentence's relevance is its cosine with this vector. Words no unit uses carry nothing.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Optional

from ..evidence.textstats import content_words

WEIGHT = 1.0  # of the focus cosine: as much as the centroid cosine (both in [0, 1])
MAX_CHARS = 1000

# Words of the request itself, not of its subject.
_ASKING = frozenset(
    """describe description discuss discussion explain explanation identify include includes including
    list give tell provide summarize summarise summary report reports happened happen happening
    information details detail specific specifically particular particularly regarding concerning
    various kinds kind type types role roles impact impacts effect effects current recent latest
    news article articles story stories question questions focus also well known""".split()
)


_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "edly", "ed", "es", "s", "e", "ly")


def stem(word: str) -> str:
    """A crude stem: one common suffix off, at least three letters left ("released", "releases",
    "release" -> "releas"; "marines" -> "marin")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def focus_stems(focus: Optional[str]) -> frozenset[str]:
    """The stems of the focus's subject words."""
    if not focus:
        return frozenset()
    return frozenset(stem(w) for w in content_words(focus) if w not in _ASKING and len(w) >= 2)


def focus_vector(stems: frozenset[str], vocab: Iterable[str], df_of: Callable[[str], int], n_units: int) -> dict[str, float]:
    """The words of ``vocab`` sharing a stem with the focus, in sorted order, each weighted by the
    sentence vectors' IDF (``df_of``: in how many of the ``n_units`` units it occurs),
    L2-normalized. Empty without a focus."""
    if not stems:
        return {}
    n = max(1, n_units)
    vec = {}
    for w in sorted(w for w in vocab if stem(w) in stems):
        df = df_of(w)
        if df > 0:
            vec[w] = math.log((1 + n) / (1 + df)) + 1.0
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}
