"""Small lexical tools shared by the extractive backend, conflict finding and support checks."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Iterator, Sequence

from ..prepare.dedup import normalized_words

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours said says say told according s t""".split()
)
NUMBER_RE = re.compile(r"\d[\d,.]*\d|\d")


def content_words(text: str) -> list[str]:
    return [w for w in normalized_words(text) if w not in STOPWORDS and not w.isdigit()]


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER_RE.findall(text)}


class TfIdf:
    """Sparse TF-IDF vectors (dicts) over a fixed collection of texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.bags = [Counter(content_words(t)) for t in texts]
        df: Counter = Counter()
        for bag in self.bags:
            df.update(bag.keys())
        n = max(1, len(texts))
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self.vectors = [self.vector_of_bag(b) for b in self.bags]

    def vector_of_bag(self, bag: Counter) -> dict[str, float]:
        vec = {w: (1 + math.log(c)) * self.idf.get(w, 1.0) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def vector(self, text: str) -> dict[str, float]:
        return self.vector_of_bag(Counter(content_words(text)))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def centroid(vectors: Iterable[dict[str, float]]) -> dict[str, float]:
    acc: dict[str, float] = {}
    for vec in vectors:
        for w, v in vec.items():
            acc[w] = acc.get(w, 0.0) + v
    norm = math.sqrt(sum(v * v for v in acc.values())) or 1.0
    return {w: v / norm for w, v in acc.items()}


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similar_pairs(word_sets: Sequence[set[str]], cap: int, min_similarity: float) -> Iterator[tuple[int, int, float]]:
    """``(i, j, jaccard)`` for pairs sharing a rare word (in at most ``cap`` sets) and similar enough.

    An inverted index over the rare words proposes the pairs, so the cost grows with the sizes of
    the capped posting lists, not with the square of the number of sets. Each pair comes once.
    """
    df: Counter = Counter(w for ws in word_sets for w in ws)
    index: dict[str, list[int]] = {}
    for i, ws in enumerate(word_sets):
        for w in ws:
            if df[w] <= cap:
                index.setdefault(w, []).append(i)
    seen: set[tuple[int, int]] = set()
    for members in index.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                sim = jaccard(word_sets[i], word_sets[j])
                if sim >= min_similarity:
                    yield i, j, sim
