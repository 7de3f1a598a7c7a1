"""A collection's word weights, name lists and word index, and the cheap bound on which passages
might support a claim. Pure.

``Vocabulary.of`` reads every text with ``word_profile`` (exactly the words ``analyse`` would
index, at a fraction of its cost), so a grounder over a few passages of a large collection can
weigh and read words as one over the whole collection would (``sources.attribution_grounder``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .analysis import Tok, alias_of, analyse, word_profile


@dataclass(frozen=True)
class Vocabulary:
    """Word weights, name lists and a word index of a whole collection, from ``word_profile``
    (exact, and far cheaper than analysing every passage): lets a grounder over a few of the
    collection's passages weigh and read words as one over all of them would."""

    max_idf: float
    idf: dict[str, float]
    lower_words: frozenset[str]
    names: frozenset[str]
    index: dict[str, list[int]]

    @classmethod
    def of(cls, texts: Sequence[str]) -> "Vocabulary":
        profile_of = {t: word_profile(t) for t in set(texts)}  # copies of a text are read once
        profiles = profile_of.values()
        df: Counter = Counter()
        index: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            bag = profile_of[t][0]
            df.update(bag)
            for s in bag:
                index.setdefault(s, []).append(i)
        n = len(texts)
        return cls(math.log((n + 1) / 0.5), {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()},
                   frozenset().union(*(p[1] for p in profiles)), frozenset().union(*(p[2] for p in profiles)), index)

    def weight(self, s: str) -> float:
        return self.idf.get(s, self.max_idf)

    def may_support(self, claim: str, lowest_coverage: float) -> set[int]:
        """Indices of the texts that might support ``claim`` alone (``may_support``)."""
        return may_support(self.index, self.weight, claim, lowest_coverage)


def overlap(index: Mapping[str, list[int]], units: Sequence[Tok], weights: Sequence[float]) -> Counter:
    """Per passage, the weight of the claim's words it holds (a split word's parts pro rata)."""
    score: Counter = Counter()
    for t, w in zip(units, weights):
        for i in index.get(t.stem, ()):
            score[i] += w
        for p in t.parts:
            for i in index.get(p, ()):
                score[i] += w / len(t.parts)
    return score


def may_support(index: Mapping[str, list[int]], weight: Callable[[str], float], claim: str,
                lowest_coverage: float) -> set[int]:
    """Passages that might support ``claim`` alone. A passage's coverage is at most its indexed
    words' weight plus the weight of every word an alias could match, so a passage whose bound is
    under the lowest coverage that supports cannot support."""
    a = analyse(" ".join(str(claim).split()))
    units = [t for t in a.toks if t.content]
    weights = [weight(t.stem) for t in units]
    slack = sum(w for t, w in zip(units, weights) if alias_of(t.low) is not None)
    need = lowest_coverage * sum(weights) - slack - 1e-9
    return {i for i, v in overlap(index, units, weights).items() if v >= need}


