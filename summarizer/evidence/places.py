"""Contradictions between sources that the grounding analysis can see directly. Pure.

* ``figures_conflict``: two sentences give different figures for the same counted thing (same
  head word, same kind of figure), and neither also gives the other's figure for it.
* ``direction_conflicts``: one place put in incompatible compass directions by two sources
  ("the northeastern city of Kharkiv" vs "the northwestern Kharkiv region"); "northern" and
  "north-east" are compatible, east and west are not. The conflict sentence cites both sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Iterator, Optional, Sequence

import numpy as np

from ..contract.result import Sentence
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence
from .analysis import ALIASES, Analysis, Tok, tokenize, tokens_from
from .citations import cite_sentence
from .numbers import agree
from .sentence_scan import chunk_hits

_DIRECTION_RE = re.compile(r"^(north|south)?-?(east|west)?(ern|erly)?$")
# A direction word is a token that starts with one of these where a word starts (no letter before
# it), its first letter in lower case (a capitalised word is a name, never a direction): sentences
# without one need no tokens.
_MAY_HOLD_DIRECTION = re.compile(r"(?<![^\W\d_])(?:n(?i:orth)|s(?i:outh)|e(?i:ast)|w(?i:est))")
# The same without what comes before: matches never overlap (no tail holds another's lower-case
# first letter followed by its tail), so a search of a whole document finds every one.
_MAY_START_DIRECTION = re.compile(r"n(?i:orth)|s(?i:outh)|e(?i:ast)|w(?i:est)")
_DIRECTION_WORDS = ("north", "south", "east", "west")  # what _MAY_START_DIRECTION matches, lower-cased
_LETTER = re.compile(r"[^\W\d_]")
WINDOW = 4  # a direction word binds to the first name within this many words after it
MAX_CONFLICTS = 3


def figures_conflict(a: Analysis, b: Analysis) -> bool:
    for qa in a.quantities:
        if qa.soft or not qa.head:
            continue
        theirs = [qb for qb in b.quantities if qb.head == qa.head and qb.kind == qa.kind and not qb.soft]
        mine = [q for q in a.quantities if q.head == qa.head and q.kind == qa.kind]
        if theirs and not any(agree(x, y) for x in mine for y in theirs):
            return True
    return False


def compass(word: str) -> Optional[str]:
    """"northeastern" -> "NE", "north-east" -> "NE", "southern" -> "S"; None if not a direction."""
    m = _DIRECTION_RE.match(word.lower())
    if not m or not (m.group(1) or m.group(2)):
        return None
    return (m.group(1) or "")[:1].upper() + (m.group(2) or "")[:1].upper()


def compatible(x: str, y: str) -> bool:
    opposite = {"N": "S", "S": "N", "E": "W", "W": "E"}
    return not any(opposite[c] in y for c in x)


def _place_key(low: str) -> str:
    return ALIASES.get((low,), low)


def directions(a: Analysis) -> list[tuple[str, str, str, str]]:
    """(place key, compass, phrase, place name) for each direction word bound to a name."""
    return directions_in(a.text, a.toks)


def directions_in(text: str, toks: Sequence[Tok]) -> list[tuple[str, str, str, str]]:
    """``directions`` of ``text`` from its tokens alone (``analysis.tokenize``)."""
    out = []
    for k in range(len(toks)):
        found = _bound(text, toks, k)
        if found is not None:
            out.append(found)
    return out


def _bound(text: str, toks: Sequence[Tok], k: int) -> Optional[tuple[str, str, str, str]]:
    """What token ``k`` adds to ``directions_in``: a direction word and the name it binds to
    (the first within ``WINDOW`` tokens after it, before a symbol other than "-"), if any."""
    t = toks[k]
    where = compass(t.low) if t.kind == "word" and not t.cap else None
    if where is None:
        return None
    for n in toks[k + 1 : k + 1 + WINDOW]:
        if n.kind == "sym" and n.text not in "-":
            break
        if n.cap and n.content:
            return _place_key(n.low), where, text[t.start : n.end], n.text
    return None


def directions_of_text(text: str) -> list[tuple[str, str, str, str]]:
    """``directions_in(text, tokenize(text))``, tokenizing only around the possible direction
    words. A direction word starts where ``_MAY_START_DIRECTION`` matches (its low form starts
    with north/south/east/west and its first letter is lower case). Tokens never span whitespace
    except a number's (digits on both sides), so when the whitespace-free run around a match
    starts with no digit, ``tokenize(text)``'s tokens from the run's start on are
    ``tokens_from(text, run start)``: read them up to the match and ``WINDOW`` after it. A run
    starting with a digit or "_" (rare) takes the whole tokenization."""
    out = []
    for m in _MAY_START_DIRECTION.finditer(text):
        at = p = m.start()
        while p > 0 and not text[p - 1].isspace():  # str.isspace is re's \s
            p -= 1
        if text[p].isdecimal() or text[p] == "_":  # re's \d, or "_" (no token) before one: a number may run in
            return directions_in(text, tokenize(text))
        toks: list[Tok] = []
        for t in tokens_from(text, p):
            if t.start < at:
                continue
            if t.start > at and not toks:
                break  # no token starts at the match: it is inside a word
            toks.append(t)
            if len(toks) > WINDOW:
                break
        if toks:
            found = _bound(text, toks, 0)
            if found is not None:
                out.append(found)
    return out


def may_hold_direction(text: str, sentences: Sequence[SourceSentence]) -> list[SourceSentence]:
    """The content sentences of a document (``sentences``: in order, disjoint) in whose own text
    ``_MAY_HOLD_DIRECTION`` finds something, in order. The document is searched once, not each
    of its sentences (most hold no direction word): a match counts for the sentence it lies in,
    where a word starts there (at the sentence's start, or after a character that is not a letter)."""
    starts = [s.start for s in sentences]
    out: list[SourceSentence] = []
    for p, end in direction_starts(text):
        k = bisect_right(starts, p) - 1
        if k < 0:
            continue
        s = sentences[k]
        if (s.junk is None and end <= s.end and (p == s.start or not _LETTER.match(text, p - 1))
                and (not out or out[-1] is not s)):
            out.append(s)
    return out


def direction_starts(text: str) -> list[tuple[int, int]]:
    """The spans of ``_MAY_START_DIRECTION.finditer(text)``, found with ``str.find`` in the
    lower-cased text (the regex's case-insensitive search scans a document several times slower).
    A match is an occurrence of north/south/east/west there whose first letter is lower case in
    ``text``: only ASCII letters fold to these letters, but for the long s ("ſ", which
    IGNORECASE matches to "s"; such a text takes the regex), and lower-casing keeps the offsets
    when it keeps the length (else the regex). No occurrence of one word overlaps another's, so
    every occurrence is a match of ``finditer``."""
    low = text.lower()
    if len(low) != len(text) or "\u017f" in text:
        return [m.span() for m in _MAY_START_DIRECTION.finditer(text)]
    spans = []
    for word in _DIRECTION_WORDS:
        p = low.find(word)
        while p >= 0:
            if text[p] == word[0]:
                spans.append((p, p + len(word)))
            p = low.find(word, p + len(word))
    spans.sort()
    return spans


@lru_cache(maxsize=1 << 14)  # copies of a sentence, and a server's repeated sources, are read once
def _directions_of(text: str) -> tuple[tuple[str, str, str, str], ...]:
    return tuple(directions_of_text(text))


def _sentences_with_direction(corpus: Corpus) -> Iterator[SourceSentence]:
    """The content sentences in whose text ``_MAY_HOLD_DIRECTION`` finds something, in order:
    from the chunk table (the pattern's matches hold no whitespace, and its lookbehind reads
    whitespace as it reads a text's start), else a search of each document."""
    hits = chunk_hits(corpus, _MAY_HOLD_DIRECTION)
    if hits is None:
        for d in corpus.documents:
            yield from may_hold_direction(corpus.texts[d.id], corpus.sentences[d.id])
        return
    every = [s for d in corpus.documents for s in corpus.sentences[d.id]]  # passage order
    for k in np.flatnonzero(hits).tolist():
        if every[k].junk is None:
            yield every[k]


def direction_conflicts(corpus: Corpus) -> list[Sentence]:
    texts = corpus.texts
    found: dict[str, list[tuple[SourceSentence, str, str, str]]] = {}
    for s in _sentences_with_direction(corpus):
        for place, where, phrase, name in _directions_of(texts[s.source_id][s.start : s.end]):
            found.setdefault(place, []).append((s, where, phrase, name))
    out: list[Sentence] = []
    for place, hits in found.items():
        if len(out) == MAX_CONFLICTS:
            break
        pair = first_disagreement([(a.source_id, where) for a, where, _, _ in hits])
        if pair is not None:
            (a, _, pa, name), (b, _, pb, _) = hits[pair[0]], hits[pair[1]]
            out.append(Sentence(
                text=f"{a.source_id} and {b.source_id} disagree on where {name} is: “{pa}” versus “{pb}”.",
                citations=[cite_sentence(texts, a), cite_sentence(texts, b)]))
    return out


def first_disagreement(hits: Sequence[tuple[str, str]]) -> Optional[tuple[int, int]]:
    """For hits ``(source, compass)`` in order, the first ``i`` with a later hit from another
    source in a direction not ``compatible`` with its own, and the first such later hit ``j``;
    None if there is none. Found per direction (there are eight), from each direction's list of
    hits, jumping over a run of one source's hits at once: linear in the hits, not quadratic."""
    lists: dict[str, list[int]] = {}
    for k, (_, where) in enumerate(hits):
        lists.setdefault(where, []).append(k)
    # Per list position, the next position holding another source than this one's.
    other_after = {}
    for where, ks in lists.items():
        nxt = [len(ks)] * len(ks)
        for y in range(len(ks) - 2, -1, -1):
            nxt[y] = y + 1 if hits[ks[y + 1]][0] != hits[ks[y]][0] else nxt[y + 1]
        other_after[where] = nxt
    for i, (source, where) in enumerate(hits):
        best = None
        for other, ks in lists.items():
            if compatible(where, other):
                continue
            x = bisect_right(ks, i)
            if x < len(ks) and hits[ks[x]][0] == source:
                x = other_after[other][x]
            if x < len(ks) and (best is None or ks[x] < best):
                best = ks[x]
        if best is not None:
            return i, best
    return None
