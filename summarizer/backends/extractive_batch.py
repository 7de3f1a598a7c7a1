"""The extractive backend's picks for a whole corpus at once, in numpy.

``pick_source_sentences`` and ``consolidate`` (``extractive.py``) define what is picked: TF-IDF
vectors as dicts, scores and maximal marginal relevance in Python floats, one source at a time.
That costs a few Python operations per word of every candidate, per source. Here the same
quantities are computed for every source at once with numpy arrays. Their sums run in another
order, so a value may differ from the definition's in the last bits: by less than ~1e-10 even
for sums of a million terms, far below ``TOL``. Each decision MMR takes (which candidate is
best, whether one is too similar to a pick) is checked to hold with a margin of ``TOL``; a
source where one does not (a near tie) is picked again by the definition. The picks are
therefore the definition's, exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Iterator, Optional, Sequence

import numpy as np

from ..evidence.sentence_scan import blocks, code_points
from ..evidence.textstats import WordLists, content_word_ids, tfidf_vector
from ..prepare.arrays import ranges, run_bounds, sorted_unique
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence, Unit
from .focus import WEIGHT as FOCUS_WEIGHT
from .focus import focus_vector
from .readable import stands_alone

TOL = 1e-8


@dataclass
class UnitMatrix:
    """L2-normalized TF-IDF rows of the content units (sparse, row by row), as ``unit_vectors``
    defines them, plus what ``exact`` needs to build the definition's dict vectors."""

    row_of: dict[int, int]  # unit id -> row
    start: np.ndarray  # row -> its first entry; row r's entries are start[r]:start[r + 1]
    word: np.ndarray  # entry -> word id
    value: np.ndarray  # entry -> weight
    n_words: int
    words: WordLists  # row -> content words, in order
    df: np.ndarray  # word id -> rows holding it
    _exact: dict[int, dict[str, float]] = field(default_factory=dict)
    _exact_view: Optional["ExactVectors"] = None

    def exact(self) -> "ExactVectors":
        """The definition's vectors (``unit_vectors``), built on demand: only near ties need them."""
        if self._exact_view is None:
            self._exact_view = ExactVectors(self)
        return self._exact_view

    def focus_vector(self, stems: frozenset[str]) -> dict[str, float]:
        """``focus.focus_vector`` over these units' words (their document frequencies)."""
        if not stems:
            return {}
        index = {w: i for i, w in enumerate(self.words.vocab)}
        return focus_vector(stems, index, lambda w: int(self.df[index[w]]), len(self.row_of))

    def focus_array(self, focus: Mapping[str, float]) -> Optional[np.ndarray]:
        """The focus vector indexed by word id (None without a focus)."""
        if not focus:
            return None
        arr = np.zeros(self.n_words)
        for i, w in enumerate(self.words.vocab):
            if w in focus:
                arr[i] = focus[w]
        return arr

    def entries(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries of ``rows``, concatenated: (position in ``rows``, word id, weight)."""
        sizes = self.start[rows + 1] - self.start[rows]
        owner = np.repeat(np.arange(len(rows)), sizes)
        at = np.arange(len(owner)) + np.repeat(self.start[rows] - (np.cumsum(sizes) - sizes), sizes)
        return owner, self.word[at], self.value[at]


class ExactVectors(Mapping):
    """``unit_vectors(corpus)``, built one unit at a time when asked for (the fallback needs few)."""

    def __init__(self, m: UnitMatrix) -> None:
        self.m = m
        self._n = max(1, len(m.row_of))
        self._idf: dict[str, float] = {}

    def __getitem__(self, unit_id: int) -> dict[str, float]:
        vec = self.m._exact.get(unit_id)
        if vec is None:
            words, row = self.m.words, self.m.row_of[unit_id]
            ids = words.ids[words.start[row] : words.start[row + 1]].tolist()
            # Each word's idf from its id (the vocabulary's words are distinct): a map of every
            # word to its id cost more than the few vectors asked for.
            for i in ids:
                if words.vocab[i] not in self._idf:
                    self._idf[words.vocab[i]] = math.log((1 + self._n) / (1 + int(self.m.df[i]))) + 1.0
            bag = Counter(map(words.vocab.__getitem__, ids))
            vec = self.m._exact[unit_id] = tfidf_vector(bag, self._idf.get)
        return vec

    def __iter__(self) -> Iterator[int]:
        return iter(self.m.row_of)

    def __len__(self) -> int:
        return len(self.m.row_of)


def unit_matrix(corpus: Corpus, units: Sequence[Unit]) -> UnitMatrix:
    """TF-IDF over the canonical texts of ``units`` (the content units, in corpus order)."""
    words = content_word_ids(corpus, [u.canonical for u in units])
    n_words = max(1, len(words.vocab))
    lengths = np.diff(words.start)
    keys, counts = np.unique(np.repeat(np.arange(len(units)), lengths) * n_words + words.ids, return_counts=True)
    row, word = keys // n_words, keys % n_words
    df = np.bincount(word, minlength=n_words)
    weight = (1 + np.log(counts)) * (np.log((1 + max(1, len(units))) / (1 + df)) + 1.0)[word]
    norm = np.sqrt(np.bincount(row, weights=weight * weight, minlength=len(units)))
    norm[norm == 0] = 1.0
    return UnitMatrix(
        row_of={u.id: r for r, u in enumerate(units)},
        start=np.searchsorted(row, np.arange(len(units) + 1)),
        word=word, value=weight / norm[row], n_words=n_words, words=words, df=df,
    )


@dataclass
class Candidates:
    """Candidates of several groups (sources) for MMR: each one's group, score and vector."""

    group: np.ndarray  # candidate -> group, ascending
    n_groups: int
    score: np.ndarray
    ent_owner: np.ndarray  # vector entries: candidate, weight, and the entry's (group, word) slot
    ent_value: np.ndarray
    ent_slot: np.ndarray  # numbered 0 .. n_slots - 1; entries of one group and word share one
    n_slots: int


def batched_mmr(c: Candidates, k: int, lam: float, max_similar: float,
                block: int = 1 << 20) -> tuple[list[list[int]], np.ndarray]:
    """``mmr`` in every group at once: each group's picks (candidate indices, in pick order), and
    which groups had a decision closer than ``TOL`` (their picks are to be redone exactly).
    ``block``: about how many vector entries a round reads at a time (``_EntryRuns``)."""
    n = len(c.score)
    alive = np.ones(n, dtype=bool)
    red = np.zeros(n)
    unsure = np.zeros(c.n_groups, dtype=bool)
    picks: list[list[int]] = [[] for _ in range(c.n_groups)]
    entries = _EntryRuns(c, block)
    for _ in range(k):
        unsure[c.group[alive & (np.abs(red - max_similar) <= TOL)]] = True
        live = np.flatnonzero(alive & (red < max_similar))
        if not len(live):
            break
        val = lam * c.score[live] - (1 - lam) * red[live]
        best, grp = _best_of_groups(val, c.group[live], unsure)
        best = live[best]
        alive[best] = False
        for g, b in zip(grp.tolist(), best.tolist()):
            picks[g].append(b)
        red = np.maximum(red, entries.cosines_with(best))
    return picks, unsure


def _best_of_groups(val: np.ndarray, grp: np.ndarray, unsure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each group's best position (highest ``val``, the first of equals) and the groups, ``grp``
    ascending; a group whose best is within ``TOL`` of its second best is marked ``unsure``. A
    maximum per group (``reduceat``) rather than a sort of every value."""
    first = np.flatnonzero(np.concatenate(([True], grp[1:] != grp[:-1])))
    top = np.maximum.reduceat(val, first)
    counts = np.diff(np.append(first, len(val)))
    at_top = np.flatnonzero(val == np.repeat(top, counts))
    best = at_top[np.concatenate(([True], grp[at_top[1:]] != grp[at_top[:-1]]))]
    others = val.copy()
    others[best] = -np.inf
    second = np.maximum.reduceat(others, first)
    close = (counts > 1) & (top - second <= TOL)
    unsure[grp[first][close]] = True
    return best, grp[first]


class _EntryRuns:
    """The candidates' vector entries (by candidate, ascending) cut into runs of whole candidates,
    about ``block`` entries each: each MMR round reads them a run at a time, so its temporaries
    stay in cache and, at 100 MB (12 million entries), are not arrays of hundreds of MB mapped
    afresh every round."""

    def __init__(self, c: Candidates, block: int = 1 << 20) -> None:
        self.c = c
        self.start = np.searchsorted(c.ent_owner, np.arange(len(c.score) + 1))  # candidate -> first entry
        self.runs = run_bounds(self.start[:-1], len(c.ent_owner), block)
        self.chosen_at = np.zeros(c.n_slots)  # the weights of the candidates just chosen, by slot

    def cosines_with(self, chosen: np.ndarray) -> np.ndarray:
        """Each candidate's cosine with the candidate just chosen in its group (0 if none): the
        chosen vectors laid out by slot, read back at every entry's slot (each candidate's sum
        in entry order, as one ``bincount`` of all entries adds it)."""
        c, start, chosen_at = self.c, self.start, self.chosen_at
        at = ranges(start[chosen], start[chosen + 1] - start[chosen])
        slots = c.ent_slot[at]
        chosen_at[slots] = c.ent_value[at]
        cos = np.empty(len(c.score))
        for a, b in zip(self.runs[:-1], self.runs[1:]):
            ea, eb = start[a], start[b]
            weights = c.ent_value[ea:eb] * chosen_at[c.ent_slot[ea:eb]]
            cos[a:b] = np.bincount(c.ent_owner[ea:eb] - a, weights=weights, minlength=b - a)
        chosen_at[slots] = 0.0
        return cos


# Character classes ``_eligible`` looks at, as a table over code points up to U+3000 (the last
# whitespace): what ``str.split()`` splits at (``str.isspace``), what is stripped before the
# final stop, the stops, and the quotes it counts.
_SPACE, _CLOSER, _STOP, _OPEN, _CLOSE, _STRAIGHT = 1, 2, 4, 8, 16, 32
_CLASS = np.zeros(0x3002, dtype=np.uint8)  # the last entry stands for every higher code point
for _c in [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
           0x202F, 0x205F, 0x3000]:
    _CLASS[_c] |= _SPACE
for _c in "”’\"')»":
    _CLASS[ord(_c)] |= _CLOSER
for _c in ".!?":
    _CLASS[ord(_c)] |= _STOP
_CLASS[ord("“")] |= _OPEN
_CLASS[ord("”")] |= _CLOSE
_CLASS[ord('"')] |= _STRAIGHT


def _count_in(positions: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many of the sorted ``positions`` lie in each ``[a, b)``."""
    return np.searchsorted(positions, b) - np.searchsorted(positions, a)


def eligible_mask(corpus: Corpus, sentences: Sequence[SourceSentence],
                  pointing_back: Optional[np.ndarray] = None) -> np.ndarray:
    """``[_eligible(text of s) for s in sentences]`` (``extractive._eligible``: 6 to 80 words,
    ending in a stop before any closing quotes but no "...", curly quotes balanced, straight ones
    paired, standing alone),
    for all sentences at once. ``sentences`` are grouped by source. ``pointing_back``, if given,
    is set True where a sentence is all that but does not stand alone (``extractive._dependent``)."""
    out = np.zeros(len(sentences), dtype=bool)
    for joined, a, b, which in blocks(corpus, sentences):
        cp = code_points(joined)
        cls = _CLASS.take(cp, mode="clip")  # code points past the table read its last entry
        space = (cls & _SPACE) > 0
        word_start = np.flatnonzero(~space[1:] & space[:-1]) + 1  # a non-space after a space
        some = b > a
        words = _count_in(word_start, a + 1, b) + (some & ~space[np.minimum(a, len(cp) - 1)])
        # The last character before any closing quotes (stepping back over the rare closers).
        q = b - 1
        back = some & ((cls[np.maximum(q, 0)] & _CLOSER) > 0)
        while back.any():
            q[back] -= 1
            back &= (q >= a) & ((cls[np.maximum(q, 0)] & _CLOSER) > 0)
        stop = some & (q >= a) & ((cls[np.maximum(q, 0)] & _STOP) > 0)
        # ... an ellipsis of three full stops is no sentence end (``readable.cut_off``)
        stop &= ~((q - 2 >= a) & (cp[np.maximum(q, 0)] == 46) & (cp[np.maximum(q - 1, 0)] == 46)
                  & (cp[np.maximum(q - 2, 0)] == 46))
        quotes = np.flatnonzero(cls & (_OPEN | _CLOSE | _STRAIGHT))  # rare: one pass, then only them
        kind = cls[quotes]
        opened, closed = quotes[(kind & _OPEN) > 0], quotes[(kind & _CLOSE) > 0]
        curly = _count_in(opened, a, b) == _count_in(closed, a, b)
        straight = _count_in(quotes[(kind & _STRAIGHT) > 0], a, b) % 2 == 0
        out[which] = (words >= 6) & (words <= 80) & stop & curly & straight
    # Whether each sentence still standing opens without pointing back (``readable.stands_alone``).
    texts = corpus.texts
    for i in np.flatnonzero(out).tolist():
        s = sentences[i]
        if not stands_alone(texts[s.source_id], s.start, s.end):
            out[i] = False
            if pointing_back is not None:
                pointing_back[i] = True
    return out


def source_candidates(corpus: Corpus, eligible: np.ndarray) -> tuple[list[SourceSentence], list[Unit], np.ndarray]:
    """Every source's candidates as ``pick_source_sentences`` chooses them (the eligible content
    sentences, or all content sentences when none is), flat in corpus order, with their units
    and how many each source has. ``eligible`` is per sentence of the corpus, in passage order."""
    sents: list[SourceSentence] = []
    sizes = []
    pos = 0
    for doc in corpus.documents:
        sentences = corpus.sentences[doc.id]
        ok = eligible[pos : pos + len(sentences)].tolist()
        pos += len(sentences)
        content = [s for s in sentences if s.junk is None]
        cands = [s for s, good in zip(sentences, ok) if good and s.junk is None] or content
        sents += cands
        sizes.append(len(cands))
    unit_of = corpus.unit_of
    units = [unit_of[(s.source_id, s.index)] for s in sents]
    return sents, units, np.array(sizes, dtype=np.int64)


def _with_focus(score: np.ndarray, owner: np.ndarray, word: np.ndarray, value: np.ndarray,
                focus: Optional[np.ndarray]) -> np.ndarray:
    """``score`` plus the focus term (each candidate's cosine with the focus vector, weighted)."""
    if focus is None:
        return score
    return score + FOCUS_WEIGHT * np.bincount(owner, weights=value * focus[word], minlength=len(score))


def source_scores(m: UnitMatrix, rows: np.ndarray, sizes: np.ndarray, focus: Optional[np.ndarray] = None) -> Candidates:
    """Scores as in ``pick_source_sentences``: cosine to the source's centroid plus a lead bonus
    (plus the focus term)."""
    group = np.repeat(np.arange(len(sizes)), sizes)
    owner, word, value = m.entries(rows)
    keys, inv = np.unique(group[owner] * m.n_words + word, return_inverse=True)
    acc = np.bincount(inv, weights=value, minlength=len(keys))
    norm = np.sqrt(np.bincount(keys // m.n_words, weights=acc * acc, minlength=len(sizes)))
    norm[norm == 0] = 1.0
    center = acc / norm[keys // m.n_words]
    pos = np.arange(len(rows)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    score = np.bincount(owner, weights=value * center[inv], minlength=len(rows)) + 0.15 / (1 + pos)
    return Candidates(group, len(sizes), _with_focus(score, owner, word, value, focus), owner, value, inv, len(keys))


def consolidation_scores(m: UnitMatrix, cands: Sequence[Unit], source_index: Mapping[str, int],
                         focus: Optional[np.ndarray] = None) -> Candidates:
    """Scores as in ``consolidate``: centroid cosine, spread of the words over sources, number
    of sources stating the unit, and a lead bonus."""
    rows = np.fromiter((m.row_of[u.id] for u in cands), dtype=np.int64, count=len(cands))
    owner, word, value = m.entries(rows)
    acc = np.bincount(word, weights=value, minlength=m.n_words)
    center = acc / (float(np.sqrt(np.sum(acc * acc))) or 1.0)
    cos = np.bincount(owner, weights=value * center[word], minlength=len(rows))
    ids = [[source_index[s] for s in u.source_ids] for u in cands]
    n_ids = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    src = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(n_ids.sum()))
    n_distinct = m.start[rows + 1] - m.start[rows]
    df_sources = source_spread(word, n_distinct, n_ids, src, m.n_words)
    spread_sum = np.bincount(owner, weights=df_sources[word], minlength=len(rows))
    spread = np.divide(spread_sum, n_distinct * max(1, len(source_index)), out=np.zeros(len(rows)), where=n_distinct > 0)
    lead = np.fromiter((0.1 / (1 + u.canonical.index) for u in cands), dtype=np.float64, count=len(cands))
    score = _with_focus(cos + 0.3 * spread + 0.2 * (n_ids - 1) + lead, owner, word, value, focus)
    return Candidates(np.zeros(len(rows), dtype=np.int64), 1, score, owner, value, word, m.n_words)


def source_spread(word: np.ndarray, n_words_of: np.ndarray, n_sources_of: np.ndarray, src: np.ndarray,
                  n_words: int, block: int = 1 << 20) -> np.ndarray:
    """For each word id, how many distinct sources state a candidate holding it. Candidate ``c``'s
    words are its run of ``word`` (``n_words_of[c]`` of them, candidate after candidate), its
    sources its run of ``src`` (``n_sources_of[c]``).

    The (source, word) pairs of every candidate are made and de-duplicated a block of sources at
    a time (about ``block`` pairs): a source's pairs all fall in one block, so the blocks' distinct
    pairs are distinct overall. Made at once, the pairs of 100 MB were eight arrays of 15 million
    entries and a sort of all of them."""
    df = np.zeros(n_words, dtype=np.int64)
    if not len(src):
        return df
    # Each (candidate, source) incidence, by source.
    owner = np.repeat(np.arange(len(n_sources_of)), n_sources_of)
    order = np.argsort(src, kind="stable")
    owner, source = owner[order], src[order]
    word_start = np.cumsum(n_words_of) - n_words_of
    sizes = n_words_of[owner]
    done = np.cumsum(sizes) - sizes  # pairs before each incidence
    first = np.flatnonzero(np.concatenate(([True], source[1:] != source[:-1])))  # a source's first incidence
    runs = run_bounds(done[first], int(done[-1] + sizes[-1]), block)  # in sources
    cuts = np.append(first, len(source))[runs].tolist()  # in incidences
    for a, b in zip(cuts[:-1], cuts[1:]):
        words = word[ranges(word_start[owner[a:b]], sizes[a:b])]
        keys = sorted_unique(np.repeat(source[a:b], sizes[a:b]) * n_words + words)
        df += np.bincount(keys % n_words, minlength=n_words)
    return df
