"""Small lexical tools shared by the extractive backend, conflict finding and support checks."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, count, repeat
from operator import add, and_, mul, truediv
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from ..prepare.arrays import first_occurrences
from ..prepare.corpus import Corpus
from ..prepare.dedup import normalized_keys, normalized_words
from ..prepare.spans import SourceSentence

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours said says say told according s t""".split()
)
_TF = [0.0] + [1 + math.log(c) for c in range(1, 256)]  # TF-IDF's term weight 1 + log(count)
NUMBER_RE = re.compile(r"\d[\d,.]*\d|\d")


def content_words(text: str) -> list[str]:
    return [w for w in normalized_words(text) if w not in STOPWORDS and not w.isdigit()]


def content_words_many(texts: Sequence[str]) -> list[list[str]]:
    """``[content_words(t) for t in texts]``: the words normalized for all texts at once, and the
    stopword and digit test made once per distinct word."""
    split = [key.split(" ") if key else [] for key in normalized_keys(texts)]
    keep = {w for w in set(chain.from_iterable(split)) if w not in STOPWORDS and not w.isdigit()}
    return [list(filter(keep.__contains__, words)) for words in split]


@dataclass(frozen=True)
class WordLists:
    """Several texts' content words as ids into ``vocab``: text k's are
    ``ids[start[k] : start[k + 1]]``, in text order."""

    vocab: list[str]
    start: np.ndarray
    ids: np.ndarray
    same: np.ndarray  # text -> a number shared only by texts known to have the same words

    def words(self, k: int) -> list[str]:
        return [self.vocab[i] for i in self.ids[self.start[k] : self.start[k + 1]].tolist()]

    def sets(self) -> list[set[str]]:
        """Each text's words as a set, filled in text order (as ``set(content_words(t))`` is);
        texts with the same words (``same``) share one set object, so treat them as read-only."""
        flat, bounds, vocab = self.ids.tolist(), self.start.tolist(), self.vocab
        made: dict[int, set[str]] = {}
        out = []
        for k, key in enumerate(self.same.tolist()):
            got = made.get(key)
            if got is None:
                got = made[key] = set(map(vocab.__getitem__, flat[bounds[k] : bounds[k + 1]]))
            out.append(got)
        return out


def content_word_ids(corpus: Corpus, sentences: Sequence[SourceSentence]) -> WordLists:
    """``content_words`` of each sentence's text, as ids: taken from the words dedup found
    (``corpus.words``) when the corpus has them, else from the texts."""
    pw = corpus.words
    n = len(sentences)
    if pw is None:
        texts = corpus.texts
        words = content_words_many([texts[s.source_id][s.start : s.end] for s in sentences])
        vocab = list(dict.fromkeys(chain.from_iterable(words)))
        index = dict(zip(vocab, count()))
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=n)
        ids = np.fromiter(map(index.__getitem__, chain.from_iterable(words)), dtype=np.int64, count=int(lengths.sum()))
        return WordLists(vocab, np.concatenate(([0], np.cumsum(lengths))), ids, np.arange(n))
    group = pw.group[np.fromiter(map(corpus.passage_index, sentences), dtype=np.int64, count=n)]
    sizes = pw.start[group + 1] - pw.start[group]
    owner = np.repeat(np.arange(n), sizes)
    ids = pw.ids[np.arange(len(owner)) + np.repeat(pw.start[group] - (np.cumsum(sizes) - sizes), sizes)]
    content = pw.derived.get("content_words")
    if content is None:  # which words of the vocabulary ``content_words`` keeps (C-level maps)
        n_words = len(pw.vocab)
        stop = np.fromiter(map(STOPWORDS.__contains__, pw.vocab), dtype=bool, count=n_words)
        digits = np.fromiter(map(str.isdigit, pw.vocab), dtype=bool, count=n_words)
        content = pw.derived["content_words"] = ~(stop | digits)
    keep = content[ids]
    lengths = np.bincount(owner[keep], minlength=n)
    return WordLists(pw.vocab, np.concatenate(([0], np.cumsum(lengths))), ids[keep], group)


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER_RE.findall(text)}


class TfIdf:
    """Sparse TF-IDF vectors (dicts) over a fixed collection of texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._build([content_words(t) for t in texts])

    @classmethod
    def of_words(cls, word_lists: Sequence[list[str]]) -> "TfIdf":
        """The same as ``TfIdf(texts)`` from each text's ``content_words``."""
        tfidf = cls.__new__(cls)
        tfidf._build(word_lists)
        return tfidf

    def _build(self, word_lists: Sequence[list[str]]) -> None:
        self.bags = [Counter(words) for words in word_lists]
        df: Counter = Counter()
        for bag in self.bags:
            df.update(bag.keys())
        n = max(1, len(word_lists))
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self.vectors = [self.vector_of_bag(b) for b in self.bags]

    def vector_of_bag(self, bag: Counter) -> dict[str, float]:
        return tfidf_vector(bag, self.idf.get)

    def vector(self, text: str) -> dict[str, float]:
        return self.vector_of_bag(Counter(content_words(text)))


def tfidf_vector(bag: Counter, idf: Callable[[str, float], float]) -> dict[str, float]:
    """``{w: (1 + log(c)) * idf(w, 1.0)}`` divided by its norm, as C-level maps (the same
    operations in the same order as the plain loops, so the same floats)."""
    counts = bag.values()
    tf = map(_TF.__getitem__, counts) if max(counts, default=0) < len(_TF) else (1 + math.log(c) for c in counts)
    vals = list(map(mul, tf, map(idf, bag, repeat(1.0))))
    norm = math.sqrt(sum(map(mul, vals, vals))) or 1.0
    return dict(zip(bag, map(truediv, vals, repeat(norm))))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """``sum(v * b.get(w, 0.0) for w, v in a.items())`` over the smaller of the two, as C-level maps."""
    if len(a) > len(b):
        a, b = b, a
    return sum(map(mul, a.values(), map(b.get, a, repeat(0.0))))


def centroid(vectors: Iterable[dict[str, float]]) -> dict[str, float]:
    """The normalized sum. Per vector, ``acc[w] = acc.get(w, 0.0) + v`` for each word as C-level
    maps: a vector's words are distinct, so updating them all at once adds the same floats."""
    acc: dict[str, float] = {}
    for vec in vectors:
        acc.update(zip(vec, map(add, map(acc.get, vec, repeat(0.0)), vec.values())))
    vals = acc.values()
    norm = math.sqrt(sum(map(mul, vals, vals))) or 1.0
    return dict(zip(acc, map(truediv, vals, repeat(norm))))


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class PairProposals:
    """The pairs ``similar_pairs`` proposes, before their similarities: ``first[k] < second[k]``
    in proposal order, and ``bound[k]``, the similarity pair k would have if the smaller set
    were inside the larger (its Jaccard can be no higher; the same float when it is). A caller
    after the most similar pairs computes ``similarity`` only for pairs whose bound can still
    rank among them."""

    def __init__(self, word_sets: Sequence[set[str]], cap: int) -> None:
        n = len(word_sets)
        self.word_sets = word_sets
        first_holder: dict[int, int] = {}  # id of a set object -> first position holding it
        self.rep = rep = np.fromiter(map(first_holder.setdefault, map(id, word_sets), count()), dtype=np.int64, count=n)
        distinct = np.flatnonzero(rep == np.arange(n))
        flat = list(chain.from_iterable(map(word_sets.__getitem__, distinct.tolist())))
        self.sizes = sizes = np.fromiter(map(len, word_sets), dtype=np.int64, count=n)
        if not flat:
            self.first = self.second = np.zeros(0, dtype=np.int64)
            self.bound = np.zeros(0)
            return
        first_at: dict[str, int] = {}
        at = np.fromiter(map(first_at.setdefault, flat, count()), dtype=np.int64, count=len(flat))
        ids = (np.cumsum(at == np.arange(len(flat))) - 1)[at]  # ids by first appearance
        # Every position's words: those of the first position holding its set.
        start = np.zeros(n, dtype=np.int64)
        start[distinct] = np.cumsum(sizes[distinct]) - sizes[distinct]
        owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
        word = ids[np.arange(len(owner)) + np.repeat(start[rep] - (np.cumsum(sizes) - sizes), sizes)]
        rare = np.bincount(word)[word] <= cap
        self.first, self.second = _proposals(word[rare], owner[rare], n)
        small = np.minimum(sizes[self.first], sizes[self.second])
        self.bound = small / (sizes[self.first] + sizes[self.second] - small)

    def similarity(self, which: np.ndarray) -> np.ndarray:
        """``jaccard`` of the pairs ``which`` (indices into ``first``/``second``), computed once
        for pairs of the same two set objects."""
        first, second, rep, n = self.first[which], self.second[which], self.rep, len(self.rep)
        a, b = np.minimum(rep[first], rep[second]), np.maximum(rep[first], rep[second])
        pairs, inverse = np.unique(a * n + b, return_inverse=True)
        sets_a = list(map(self.word_sets.__getitem__, (pairs // n).tolist()))
        sets_b = list(map(self.word_sets.__getitem__, (pairs % n).tolist()))
        inter = np.fromiter(map(len, map(and_, sets_a, sets_b)), dtype=np.int64, count=len(pairs))[inverse]
        return inter / (self.sizes[first] + self.sizes[second] - inter)  # ``jaccard``: int / int, rounded once


def similar_pairs(word_sets: Sequence[set[str]], cap: int, min_similarity: float) -> Iterator[tuple[int, int, float]]:
    """``(i, j, jaccard)`` for pairs sharing a rare word (in at most ``cap`` sets) and similar enough.

    An inverted index over the rare words proposes the pairs, so the cost grows with the sizes of
    the capped posting lists, not with the square of the number of sets. Each pair comes once,
    ``i < j``, in the order the index proposes it first: rare words in order of first appearance
    (sets in order, each set's words in its iteration order), and within a word's posting list
    ``(members[x], members[y])`` for x < y. The proposals of every word are listed at once in
    numpy, repeats dropped (``PairProposals``); only the similarities are computed pair by pair,
    and once for pairs of the same two set objects (callers may pass one object for equal sets).
    """
    proposed = PairProposals(word_sets, cap)
    if not len(proposed.first):
        return
    sim = proposed.similarity(np.arange(len(proposed.first)))
    keep = np.flatnonzero(sim >= min_similarity)
    yield from zip(proposed.first[keep].tolist(), proposed.second[keep].tolist(), sim[keep].tolist())


# Similarity levels ``most_similar_pairs`` descends: most pairs are far below the first.
LEVELS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0)
ALL_AT_ONCE = 2048  # up to this many pairs, one level: numpy's per-call cost outweighs the saving


def most_similar_pairs(word_sets: Sequence[set[str]], cap: int, min_similarity: float,
                       accept: Callable[[int, int], bool], limit: int) -> list[tuple[int, int]]:
    """The first ``limit`` pairs ``(i, j)`` that ``accept`` of ``similar_pairs(word_sets, cap,
    min_similarity)`` sorted by similarity, most similar first (stably: ties in proposal order).

    The similarities are computed level by level (``LEVELS``), for the pairs whose bound
    (``PairProposals``) reaches the level: a pair at least as similar as the level is then in
    its final place, since every pair not computed yet is less similar than the level. A search
    that stops at the first few accepted pairs computes few similarities."""
    proposed = PairProposals(word_sets, cap)
    sim = np.full(len(proposed.first), -1.0)  # -1: not computed yet
    verdict: dict[int, bool] = {}

    def pair(k: int) -> tuple[int, int]:
        # Read from the arrays pair by pair: few pairs are ever looked at, and lists of all of
        # them as Python ints were the run's peak memory (45 MB for 566,000 pairs at 10 MB).
        return int(proposed.first[k]), int(proposed.second[k])

    found: list[int] = []
    levels = [x for x in LEVELS if x > min_similarity] if len(sim) > ALL_AT_ONCE else []
    for level in levels + [min_similarity]:
        new = np.flatnonzero((sim < 0) & (proposed.bound >= level))
        if len(new):
            sim[new] = proposed.similarity(new)
        ranked = np.flatnonzero(sim >= min_similarity)
        ranked = ranked[np.argsort(-sim[ranked], kind="stable")]
        found = []
        for k in ranked[: np.count_nonzero(sim[ranked] >= level)].tolist():
            if k not in verdict:
                verdict[k] = accept(*pair(k))
            if verdict[k]:
                found.append(k)
                if len(found) == limit:
                    return list(map(pair, found))
    return list(map(pair, found))


def _proposals(word: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(i, j)`` pairs of owners sharing a word, in order of first proposal. ``owner``
    ascends, so a stable sort by word lists each word's members ascending, and words in id order."""
    by_word = np.argsort(word, kind="stable")
    word, owner = word[by_word], owner[by_word]
    pos = np.arange(len(word))
    later = np.searchsorted(word, word, side="right") - 1 - pos  # members after this one in its list
    total = int(later.sum())
    a = np.repeat(pos, later)
    b = a + 1 + np.arange(total) - np.repeat(np.cumsum(later) - later, later)
    keys = owner[a] * n + owner[b]
    first = first_occurrences(keys, max(1, n * n - 1).bit_length())
    return keys[first] // n, keys[first] % n
