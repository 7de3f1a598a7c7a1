"""The hard checks of grounding: names, polarity, who-did-what-to-whom, quotes. Pure.

Each check compares a claim's ``Analysis`` with the analyses of the passages chosen to support it
(``grounding.py`` chooses them) and answers with a problem, or None when the claim passes.
Which passage a clause rests on is decided by ``grounding.py`` (by the claim words' rarity in
the sources); these checks only look at that passage, or the few chosen together.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from .analysis import ALIASES, TITLES, Analysis, Tok, alias_keys, stem
from .lexicon import ANTONYM_PAIRS, IRREGULAR, MONTHS, PHRASE_ANTONYMS, REPORTING, WEEKDAYS

_BE = frozenset("be is are was were been being get got gets am".split())
_AUX = _BE | frozenset("will would has have had can could may might must shall should did does do to".split())
_QUOTE_RE = re.compile(r"[“\"]([^”\"]+)[”\"]")
_DATE_WORDS = WEEKDAYS | frozenset(MONTHS)
_RELATIONAL = frozenset(["before", "after", "above", "below"])
_IRREGULAR_VERBS = frozenset(k for k, v in IRREGULAR.items() if v not in ("man", "woman", "child", "person"))


def _antonym_table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {"before": {"after"}, "after": {"before"}, "above": {"below"}, "below": {"above"}}
    for a, b in ANTONYM_PAIRS:
        table.setdefault(stem(a), set()).add(stem(b))
        table.setdefault(stem(b), set()).add(stem(a))
    for (w1, w2), single in PHRASE_ANTONYMS:
        key = f"{stem(w1)}_{stem(w2)}"
        table.setdefault(key, set()).add(stem(single))
        table.setdefault(stem(single), set()).add(key)
    return {k: frozenset(v) for k, v in table.items()}


ANTONYMS = _antonym_table()


@dataclass(frozen=True)
class Problem:
    reason: str  # e.g. "negation", "entity_missing"
    detail: str  # the word, name or figure at fault
    contradiction: bool = False


# Names ---------------------------------------------------------------------------------------


def claim_names(claim: Analysis, source_lower_words: frozenset[str], source_names: frozenset[str]) -> list[list[Tok]]:
    """Groups of consecutive name tokens in the claim (titles left out).

    A capitalised word is a name, except at the start of the sentence (or after a quote or colon),
    where it is one only if the sources never write it in lower case and either capitalise it
    inside sentences or it opens a run of capitalised words ("Police said" and "Simultaneously,"
    are not names, "Blair said" and "Alex Tucker said" are).
    """
    groups: list[list[Tok]] = []
    current: list[Tok] = []
    prev: Optional[Tok] = None
    toks = claim.toks
    for k, t in enumerate(toks):
        opening = prev is None or (prev.kind == "sym" and prev.text in '.:“"!?(')
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        known = t.low in source_names or (nxt is not None and nxt.cap and nxt.content)  # "Alex Tucker said"
        is_name = (t.cap and (t.content or t.kind == "acr")
                   and not (opening and (t.low in source_lower_words or not known)))
        if is_name:
            if t.low not in TITLES:
                current.append(t)
        elif current and not (t.low in ("of", "al", "bin", "de", "van", "von") and t.kind == "word"):
            groups.append(current)
            current = []
        prev = t
    if current:
        groups.append(current)
    return groups


def _edit1(a: str, b: str) -> bool:
    """Within one substitution, insertion or deletion (transliterations: Kharkov ~ Kharkiv)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


_DEMONYM = ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese", "ish", "s")


def name_in(t: Tok, alias: Optional[str], keys: frozenset[str], bag: frozenset[str]) -> bool:
    low = t.low.replace("-", "")
    if t.low in keys or low in keys or t.stem in bag or (alias and alias in keys):
        return True
    single = ALIASES.get((t.low,))
    if single and single in keys:
        return True
    roots = {low[: -len(s)] for s in _DEMONYM if low.endswith(s) and len(low) - len(s) >= 4}
    roots |= {r + "e" for r in roots} | {r + "a" for r in roots}
    if any(r in keys for r in roots) or any(low + s in keys for s in _DEMONYM if len(low) >= 4):
        return True
    return len(low) >= 6 and any(abs(len(k) - len(low)) <= 1 and k[:2] == low[:2] and _edit1(low, k) for k in keys)


def check_names(claim: Analysis, groups: list[list[Tok]], support: Sequence[Analysis], dates: Sequence[Analysis],
                pool_norm: Callable[[str], bool]) -> Optional[Problem]:
    """Every name of the claim in the supporting passages (a surname stands for its full name;
    weekdays and months may come from the sources' date lines)."""
    date_keys = frozenset().union(*(a.keys for a in dates)) if dates else frozenset()
    aliases = _token_aliases(claim)
    for group in groups:
        # A name is found whole in one passage: "Alex" in one and "Tucker" in another is not "Alex Tucker".
        missing = group
        for a in support:
            left = [t for t in group if not name_in(t, aliases.get(t.start), a.keys, a.bag)]
            if len(left) < len(missing) or (len(left) == len(missing) and left and left[-1] is not group[-1]):
                missing = left
        missing = [t for t in missing if not (_dated(claim, t) and t.low in date_keys)]
        if not missing:
            continue
        # "Tony Blair" when the passages say "Blair": fine if the sources name him in full.
        if len(group) > 1 and group[-1] not in missing and pool_norm(" ".join(t.low for t in group)):
            continue
        return Problem("entity_missing", missing[0].text)
    return None


_DATE_LEAD = frozenset("on in last next this since until by from early late mid".split())


def _dated(claim: Analysis, t: Tok) -> bool:
    """A weekday or month used as a date ("on Thursday", "May 16"), which a dateline may confirm."""
    if t.low not in _DATE_WORDS:
        return False
    k = next(i for i, x in enumerate(claim.toks) if x is t)
    before = claim.toks[k - 1].low if k > 0 else ""
    after = claim.toks[k + 1] if k + 1 < len(claim.toks) else None
    return before in _DATE_LEAD or (k > 0 and claim.toks[k - 1].kind == "num") or (after is not None and after.kind == "num")


def _token_aliases(claim: Analysis) -> dict[int, str]:
    """Start offset of each claim word inside an alias phrase -> the phrase's canonical key."""
    words = [t for t in claim.toks if t.kind in ("word", "acr")]
    out: dict[int, str] = {}
    for i in range(len(words)):
        for n in (3, 2):
            canon = alias_keys([w.low for w in words[i : i + n]]) if i + n <= len(words) else set()
            if canon and ALIASES.get(tuple(w.low for w in words[i : i + n])):
                for w in words[i : i + n]:
                    out[w.start] = next(iter(canon))
    return out


# Polarity ------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def polarities(a: Analysis) -> dict[str, frozenset[bool]]:
    """Each content stem (and two-word predicate such as "left out") -> negated or not, at each
    place it occurs."""
    out: dict[str, set[bool]] = {}
    toks = a.toks
    for i, t in enumerate(toks):
        if t.low in _RELATIONAL:  # "a week before" vs "a week after"
            out.setdefault(t.low, set()).add(a.negated[i])
        if not (t.content or a.negated[i] or t.low in REPORTING):  # "has not claimed" vs "has claimed"
            continue
        for key in (t.stem, *t.parts):
            out.setdefault(key, set()).add(a.negated[i])
        if i + 1 < len(toks) and toks[i + 1].kind == "word":
            pair = f"{t.stem}_{stem(toks[i + 1].low)}"
            if pair in ANTONYMS:
                out.setdefault(pair, set()).add(a.negated[i])
    return {k: frozenset(v) for k, v in out.items()}


def check_polarity(claim: Analysis, support: Sequence[Analysis]) -> Optional[Problem]:
    """A claim word the supporting passages state with the opposite polarity: negated on one side
    only ("has not pledged" vs "has pledged"), or replaced by its opposite ("included" vs "left
    out", "rose" vs "fell"); "did not win" vs "lost" agree."""
    theirs: dict[str, set[bool]] = {}
    for a in support:
        for k, v in polarities(a).items():
            theirs.setdefault(k, set()).update(v)
    for word, mine in polarities(claim).items():
        if len(mine) != 1:
            continue
        negated = next(iter(mine))
        seen = theirs.get(word)
        if seen is not None:
            if len(seen) == 1 and negated not in seen:
                return Problem("negation", word, True)
            continue
        for opposite in ANTONYMS.get(word, ()):
            seen = theirs.get(opposite)
            if seen is not None and seen == {negated}:
                return Problem("antonym", f"{word}/{opposite}", True)
    return None


# Roles ---------------------------------------------------------------------------------------


def _verb_like(a: Analysis, i: int) -> bool:
    t = a.toks[i]
    if t.kind != "word" or not t.content or t.cap:
        return False
    prev = a.toks[i - 1].low if i > 0 else ""
    return t.low.endswith("ed") or t.low != t.stem and t.low in _IRREGULAR_VERBS or prev in _AUX


def _passive(a: Analysis, i: int) -> bool:
    before = {t.low for t in a.toks[max(0, i - 3) : i]}
    after = [t.low for t in a.toks[i + 1 : i + 8]]
    return bool(before & _BE) and "by" in after


def check_roles(claim: Analysis, passage: Analysis, names: Sequence[Sequence[Tok]]) -> Optional[Problem]:
    """Who did what to whom, for simple clauses: two names on either side of a shared verb, in
    one clause of the claim, must not trade places in the passage (unless one side is passive:
    "A beat B" = "B was beaten by A")."""
    name_starts = {t.start for group in names for t in group}
    clause_of = {i: k for k, cl in enumerate(claim.clauses) for i in range(cl.first, cl.last)}
    anchors = []  # (claim index, passage index) of words found once in each
    for i, t in enumerate(claim.toks):
        if t.content and claim.position(t.stem) == i:
            j = passage.position(t.stem)
            if j is not None:
                anchors.append((i, j))
    for k, (vi, vj) in enumerate(anchors):
        if not _verb_like(claim, vi) or vi not in clause_of:
            continue
        same = [x for x in anchors if clause_of.get(x[0]) == clause_of[vi] and claim.toks[x[0]].start in name_starts]
        left = [x for x in same if x[0] < vi]
        right = [x for x in same if x[0] > vi]
        if not left or not right:
            continue
        (ai, aj), (bi, bj) = left[-1], right[0]
        if bj < vj < aj and _passive(claim, vi) == _passive(passage, vj):
            return Problem("role_swap", f"{claim.toks[ai].text} / {claim.toks[bi].text}", True)
    return _binding_swap(claim, passage, name_starts)


def _bigrams(a: Analysis) -> set[tuple[str, str]]:
    words = [t for t in a.toks if t.kind in ("word", "acr")]
    return {(x.stem, y.stem) for x, y in zip(words, words[1:])}


def _binding_swap(claim: Analysis, passage: Analysis, name_starts: set[int]) -> Optional[Problem]:
    """Names bound to the wrong words: the claim's "Iranian crew ... British TV" where the passage
    has "British crew" and "Iranian TV" (each name with the other's word, never its own)."""
    words = [t for t in claim.toks if t.kind in ("word", "acr")]
    theirs = _bigrams(passage)
    pairs = [(x.stem, y.stem) for x, y in zip(words, words[1:]) if x.start in name_starts and y.content
             and y.start not in name_starts]
    for n, x in pairs:
        if (n, x) in theirs:
            continue
        for m, y in pairs:
            if m != n and x != y and (m, x) in theirs and (n, y) in theirs:
                return Problem("role_swap", f"{n} {x} / {m} {y}", True)
    return None


# Quotes --------------------------------------------------------------------------------------


def check_quotes(claim: Analysis, support: Sequence[Analysis]) -> Optional[Problem]:
    """A quoted phrase of three words or more must be in one supporting passage, word for word."""
    return quote_missing(claim, [a.norm for a in support])


def quote_missing(claim: Analysis, norms: Sequence[str]) -> Optional[Problem]:
    """``check_quotes`` given the supporting passages' norms only."""
    from .analysis import analyse

    for q in _QUOTE_RE.findall(claim.text):
        norm = analyse(q).norm
        if len(norm.split()) >= 3 and not any(norm in x for x in norms):
            return Problem("quote_missing", q[:60])
    return None
