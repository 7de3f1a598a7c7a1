"""A collection's word weights, name lists and word index, and the cheap bound on which passages
might support a claim. Pure.

``Vocabulary.of`` reads every text with ``word_profile`` (exactly the words ``analyse`` would
index, at a fraction of its cost), so a grounder over a few passages of a large collection can
weigh and read words as one over the whole collection would. ``Vocabulary.for_claims`` gives
the same answers about the words of a few claims, reading only the distinct whitespace chunks
that might hold one of them (``sources.attribution_setup``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Callable, Collection, Iterable, Mapping, Optional, Sequence

import numpy as np

from ..prepare.arrays import ranges, sorted_unique
from ..prepare.chunks import SentenceChunks, sentence_chunks
from .analysis import Tok, alias_of, analyse, chunk_profile, stem_probes, word_profile


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
        index: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            for s in profile_of[t][0]:
                index.setdefault(s, []).append(i)
        n = len(texts)
        return cls(math.log((n + 1) / 0.5), idf_of(index, n),
                   frozenset().union(*(p[1] for p in profiles)), frozenset().union(*(p[2] for p in profiles)), index)

    @classmethod
    def of_claims(cls, texts: Sequence[str], claims: Sequence[str]) -> "Vocabulary":
        """``for_claims``, read with ``word_profile`` (every text whole, each distinct one once):
        faster for a few texts, and a server reads repeated sources from its cache."""
        stems, capitalised = claim_words(claims)
        profile_of = {t: word_profile(t) for t in set(texts)}
        index: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            for s in profile_of[t][0] & stems:
                index.setdefault(s, []).append(i)
        n = len(texts)
        return cls(math.log((n + 1) / 0.5), idf_of(index, n),
                   frozenset().union(*(p[1] & capitalised for p in profile_of.values())),
                   frozenset().union(*(p[2] & capitalised for p in profile_of.values())), index)

    @classmethod
    def for_claims(cls, texts: Sequence[str], claims: Sequence[str]) -> "Vocabulary":
        """``of(texts)`` as far as checking ``claims`` asks: the weights and postings of the
        claims' words, and whether the collection writes the claims' capitalised words in lower
        case or as names (``claim_names`` depends on nothing else). Read from the few distinct
        chunks that might hold one of those words (``chunks_holding``); a grounder with this
        vocabulary must check these claims only: another word would weigh as an unseen one."""
        table = sentence_chunks(texts)
        return cls.for_claims_in(table, table.row, claims)

    @classmethod
    def for_claims_in(cls, table: SentenceChunks, rows: np.ndarray, claims: Sequence[str]) -> "Vocabulary":
        """``for_claims`` of the texts ``table.texts[r]`` for ``r`` in ``rows``, read from their
        chunk table (``prepare/chunks.py``; a run's corpus keeps one): the chunks that may hold
        a claim's words are looked for among its distinct chunks, and the texts holding one are
        found in numpy."""
        stems, capitalised = claim_words(claims)
        holding = holding_among(table.vocab, stems, capitalised)
        index: dict[str, list[int]] = {}
        lower: set[str] = set()
        names: set[str] = set()
        if holding:
            hit_rows, hit_ids = _hits(table, rows, holding)
            distinct = sorted_unique(hit_ids)  # the chunks hit, by id
            lower = set().union(*(holding[table.vocab[c]][1] for c in distinct.tolist()))
            names = _names_in_rows(table, hit_rows, hit_ids, distinct, holding, capitalised)
            index = _postings(rows, hit_rows, hit_ids, distinct, holding, table.vocab)
        n = len(rows)
        return cls(math.log((n + 1) / 0.5), idf_of(index, n), frozenset(lower), frozenset(names), index)

    def weight(self, s: str) -> float:
        return self.idf.get(s, self.max_idf)

    def may_support(self, claim: str, lowest_coverage: float) -> set[int]:
        """Indices of the texts that might support ``claim`` alone (``may_support``)."""
        return may_support(self.index, self.weight, claim, lowest_coverage)


def _hits(table: SentenceChunks, rows: np.ndarray, holding: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """Where the texts of ``rows`` hold a chunk of ``holding``: the row and the chunk id of each
    such position of the table, in table order (rows ascending)."""
    held = np.zeros(len(table.vocab), dtype=bool)
    held[[i for i, c in enumerate(table.vocab) if c in holding]] = True
    wanted = np.zeros(len(table.texts), dtype=bool)
    wanted[rows] = True
    at_row = table.row_of_positions()
    hits = np.flatnonzero(held[table.ids] & wanted[at_row])
    return at_row[hits], table.ids[hits].astype(np.int64)


def _names_in_rows(table: SentenceChunks, hit_rows: np.ndarray, hit_ids: np.ndarray, distinct: np.ndarray,
                   holding: Mapping[str, tuple[frozenset[str], frozenset[str], bool]],
                   capitalised: set[str]) -> set[str]:
    """The ``capitalised`` words some text writes as a name (``names_among``), reading the rows
    holding a chunk that may write one, in order, while a word is still not found as one
    (``distinct``: the ids of the chunks hit)."""
    unnamed = set(capitalised)
    may = {i: may_name(table.vocab[i]) for i in distinct.tolist() if holding[table.vocab[i]][2]}
    may = {i: words for i, words in may.items() if not unnamed.isdisjoint(words)}
    if not may:
        return set()
    nameable = np.zeros(len(table.vocab), dtype=bool)
    nameable[list(may)] = True
    at = np.flatnonzero(nameable[hit_ids])
    row_at, id_at = hit_rows[at], hit_ids[at].tolist()
    cuts = (np.flatnonzero(np.diff(row_at)) + 1).tolist()
    names: set[str] = set()
    # Each row's run of ids as a list slice (``np.split`` made an array per row, ~4 us each).
    for r, a, b in zip(row_at[[0, *cuts]].tolist(), [0, *cuts], [*cuts, len(id_at)]):
        flagged = {table.vocab[i] for i in id_at[a:b] if not unnamed.isdisjoint(may[i])}
        if flagged:
            got = names_among(table.chunks(r), flagged, unnamed)
            names |= got
            unnamed -= got
            if not unnamed:
                break
    return names


def _postings(rows: np.ndarray, hit_rows: np.ndarray, hit_ids: np.ndarray, distinct: np.ndarray,
              holding: Mapping[str, tuple[frozenset[str], frozenset[str], bool]], vocab: Sequence[str]) -> dict[str, list[int]]:
    """Each stem held -> the positions ``i`` (ascending) whose text ``rows[i]`` holds it (in a
    hit chunk's bag), in numpy: the hits' (row, stem) pairs, each row's positions (``distinct``:
    the ids of the chunks hit)."""
    local = np.searchsorted(distinct, hit_ids)
    bags = [holding[vocab[c]][0] for c in distinct.tolist()]
    stems = sorted(set().union(*bags))
    if not stems:
        return {}
    number = {s: k for k, s in enumerate(stems)}
    sizes = np.fromiter(map(len, bags), dtype=np.int64, count=len(bags))
    flat = np.fromiter((number[s] for bag in bags for s in bag), dtype=np.int64, count=int(sizes.sum()))
    per_hit = sizes[local]  # each hit's stems: its chunk's bag
    hit_stems = flat[ranges((np.cumsum(sizes) - sizes)[local], per_hit)]
    pairs = sorted_unique(np.repeat(hit_rows, per_hit) * len(stems) + hit_stems)
    pair_row, pair_stem = pairs // len(stems), pairs % len(stems)
    order = np.argsort(rows, kind="stable")  # each row's positions, ascending
    first = np.searchsorted(rows[order], pair_row, side="left")
    count = np.searchsorted(rows[order], pair_row, side="right") - first
    n = len(rows)
    keys = np.sort(np.repeat(pair_stem, count) * n + order[ranges(first, count)])
    cuts = np.flatnonzero(np.diff(keys // n)) + 1
    heads = (keys[np.concatenate(([0], cuts))] // n).tolist()
    return {stems[h]: part.tolist() for h, part in zip(heads, np.split(keys % n, cuts))}


def idf_of(index: Mapping[str, list[int]], n: int) -> dict[str, float]:
    """Each word's weight ``log((n + 1) / (df + 0.5))`` over ``n`` texts, its document frequency
    the length of its posting list (a text is listed once per word: no separate count is kept)."""
    return {s: math.log((n + 1) / (len(ids) + 0.5)) for s, ids in index.items()}


def claim_words(claims: Sequence[str]) -> tuple[set[str], set[str]]:
    """What a vocabulary for ``claims`` must know about: their content words' stems (and parts),
    and the low forms of their capitalised words."""
    units = [t for c in claims for t in analyse(" ".join(str(c).split())).toks]
    return {x for t in units if t.content for x in (t.stem, *t.parts)}, {t.low for t in units if t.cap}


def may_name(chunk: str) -> frozenset[str]:
    """The words a chunk may write as a name: its names, and its first word (a name unless the
    token before opens a sentence)."""
    _, _, names, first, _, _ = chunk_profile(chunk)
    return names if first is None else names | {first}


def names_among(chunks: Sequence[str], flagged: Collection[str], wanted: frozenset[str] | set[str]) -> set[str]:
    """``word_profile(" ".join(chunks))[2] & wanted`` (``chunks``: a text's ``split()``), reading
    only the ``flagged`` chunks, the only ones whose names or first word can be in ``wanted``
    (``chunks_holding``'s third answer), and the chunk with tokens before each: whether a chunk's
    first word is a name depends on that one alone (``word_profile``)."""
    out: set[str] = set()
    for k, chunk in enumerate(chunks):
        if chunk not in flagged:
            continue
        _, _, names, first, _, _ = chunk_profile(chunk)
        out |= names & wanted
        if first is None or first not in wanted:
            continue
        for j in range(k - 1, -1, -1):  # the closest chunk before with a token ("_" has none)
            _, _, _, _, has_tokens, opens = chunk_profile(chunks[j])
            if has_tokens:
                if not opens:
                    out.add(first)
                break
    return out


def chunks_holding(texts: Sequence[str], stems: set[str], lows: set[str]
                   ) -> dict[str, tuple[frozenset[str], frozenset[str], bool]]:
    """The distinct whitespace chunks of ``texts`` holding one of ``stems`` in their bag or a word
    whose lower-cased form is in ``lows``: those stems, the lows written in lower case, and
    whether one may be a name (``chunk_profile``). Only the chunks ``may_hold`` lets through
    are read."""
    return holding_among(set(chain.from_iterable(map(str.split, texts))), stems, lows)


def holding_among(chunks: Iterable[str], stems: set[str], lows: set[str]
                  ) -> dict[str, tuple[frozenset[str], frozenset[str], bool]]:
    """``chunks_holding`` of texts whose distinct chunks are ``chunks``."""
    may = may_hold(stems, lows)
    if may is None:
        return {}
    out = {}
    for chunk in chunks:
        if not may(chunk):
            continue
        bag, low, names, first, _, _ = chunk_profile(chunk)
        held = (bag & stems, low & lows, not lows.isdisjoint(names) or first in lows)
        if held[0] or held[1] or held[2]:
            out[chunk] = held
    return out


_ACRONYM = re.compile(r"[A-Za-z]\.[A-Za-z]\.")  # where an acronym token ("U.S.") may be


def may_hold(stems: set[str], lows: set[str]) -> Optional[Callable[[str], bool]]:
    """A test false only for chunks that cannot hold one of ``stems`` in their bag nor a token
    whose low form is in ``lows`` (None: no chunk can). An ASCII chunk without "n't" holds a stem
    only where one of its probes (``stem_probes``) is in it, lower-cased, its hyphens or its dots
    left out; and a token whose low form is L only where L stands in it between characters that
    are not letters (a word token is a whole run of letters, its low form that run lower-cased,
    less a trailing "'s" or "'"), or, letters of an acronym, with its dots left out."""
    probes = set().union(*map(stem_probes, stems))
    if not probes and not lows:
        return None
    never = re.compile(r"(?!)")
    stem_re = re.compile("|".join(map(re.escape, sorted(probes, key=len, reverse=True)))) if probes else never
    alternatives = "|".join(map(re.escape, sorted(lows, key=len, reverse=True)))
    word_re = re.compile(f"(?<![a-z])(?:{alternatives})(?![a-z])") if lows else never
    letters_re = re.compile(alternatives) if lows else never

    def may(chunk: str) -> bool:
        x = chunk.lower()
        return (not chunk.isascii() or "n't" in x or bool(
            stem_re.search(x) or "-" in x and stem_re.search(x.replace("-", ""))
            or "." in x and stem_re.search(x.replace(".", "")) or word_re.search(x)
            or _ACRONYM.search(chunk) and letters_re.search(x.replace(".", ""))))

    return may


def overlap(index: Mapping[str, list[int]], units: Sequence[Tok], weights: Sequence[float]) -> Counter:
    """Per passage, the weight of the claim's words it holds (a split word's parts pro rata)."""
    # Summed in a plain dict: a Counter's += calls its Python ``__missing__`` for each new key.
    score: dict[int, float] = {}
    get = score.get
    for t, w in zip(units, weights):
        for i in index.get(t.stem, ()):
            score[i] = get(i, 0) + w
        for p in t.parts:
            for i in index.get(p, ()):
                score[i] = get(i, 0) + w / len(t.parts)
    return Counter(score)


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


def matchable_share(index: Mapping[str, list[int]], weight: Callable[[str], float], units: Sequence[Tok],
                    only: Optional[Collection[int]] = None) -> float:
    """At least the coverage of a claim (``units``: its content words) by any passages of
    ``only`` (None: all): the share of its weight in words some of them may match (the word's
    stem, or each of its parts, in the bag of one; any word with an alias). Summed in another
    order than the grounder's coverage, so compare with a margin for rounding."""

    def held(s: str) -> bool:
        ids = index.get(s, ())
        return bool(ids) if only is None else any(i in only for i in ids)

    weights = [weight(t.stem) for t in units]
    may = sum(w for t, w in zip(units, weights) if held(t.stem) or t.parts and all(map(held, t.parts))
              or alias_of(t.low) is not None)
    return may / sum(weights)
