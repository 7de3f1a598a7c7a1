"""What a focus ("What did the donors pledge?") asks about, as a TF-IDF vector. Pure.

The focus's content words, without the words questions and topic statements are made of
("describe", "discuss", "what"), each with its simple singular/plural variant, weighted by its
rarity among the units being summarized (the same IDF the sentence vectors use) and L2-normalized.
A sentence's relevance is its cosine with this vector. Words no unit uses carry nothing.
"""

from __future__ import annotations

import math
from typing import Callable, Optional

from ..evidence.textstats import content_words

WEIGHT = 0.6  # of the focus cosine, next to the centroid cosine (both in [0, 1])
MAX_CHARS = 1000

# Words of the request itself, not of its subject.
_ASKING = frozenset(
    """describe description discuss discussion explain explanation identify include includes including
    list give tell provide summarize summarise summary report reports happened happen happening
    information details detail specific specifically particular particularly regarding concerning
    various kinds kind type types role roles impact impacts effect effects current recent latest
    news article articles story stories question questions focus also well known""".split()
)


def focus_words(focus: Optional[str]) -> list[str]:
    """The focus's subject words and their singular/plural variants, first occurrence first."""
    if not focus:
        return []
    out: dict[str, None] = {}
    for w in content_words(focus):
        if w in _ASKING or len(w) < 2:
            continue
        out.setdefault(w, None)
        if w.endswith("ies") and len(w) > 4:
            out.setdefault(w[:-3] + "y", None)
        elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            out.setdefault(w[:-1], None)
        else:
            out.setdefault(w + "s", None)
    return list(out)


def focus_vector(words: list[str], df_of: Callable[[str], int], n_units: int) -> dict[str, float]:
    """``words`` that occur in the units (``df_of``: in how many of the ``n_units`` units), each
    weighted by the sentence vectors' IDF, L2-normalized."""
    n = max(1, n_units)
    vec = {}
    for w in words:
        df = df_of(w)
        if df > 0:
            vec[w] = math.log((1 + n) / (1 + df)) + 1.0
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}
