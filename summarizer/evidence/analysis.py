"""What a sentence says, in a form claims and passages can be compared in. Pure.

``analyse(text)`` tokenizes with offsets and derives what the grounding engine compares:

* stems (a light suffix stripper plus irregular verbs: "donations" ~ "donated", "fell" ~ "fall"),
  hyphenated words both whole and in parts ("north-east" ~ "northeast" ~ "north", "east");
* name keys: every word lower-cased, acronyms without dots, and alias groups ("U.S." ~
  "United States" ~ "American", "Kharkov" ~ "Kharkiv");
* quantities (``numbers.py``);
* clauses with their polarity (an odd number of negation cues: "not", "n't", "never", "failed to",
  "denied"...), for the polarity check.

Analyses of passages do not depend on anything but their text, so they are cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Iterator, Optional, Sequence

from .lexicon import ALIAS_GROUPS, DISCOURSE, IRREGULAR, NEGATION_WORDS, REPORTING
from .numbers import NUMBER_WORDS, Quantity, quantities
from .textstats import STOPWORDS

TOKEN_RE = re.compile(
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[.,]\d)|\d+(?:[.,]\d+)*(?:, \d{3}(?!\d))*)"
    r"|(?P<acr>(?:[A-Za-z]\.){2,})"
    r"|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)"
    r"|(?P<sym>[^\w\s])"
)
_BOUNDARY_SYMS = frozenset(",;:()—–\"“”[]")
CLAUSE_WORDS = frozenset("but while whereas although though however and or because after before when which who "
                         "whom that if unless so as".split())
TITLES = frozenset("mr mrs ms dr sir president prime minister secretary general gen lt col sgt captain king queen "
                   "prince princess pope lord lady chief senator governor mayor judge".split())
NOT_CONTENT = STOPWORDS | DISCOURSE | REPORTING | NEGATION_WORDS | NUMBER_WORDS | {"st", "nd", "rd", "th", "per", "cent", "m", "mn", "bn", "tn", "km", "pc"}
_SUFFIXES = [  # (suffix, replacement, shortest stem left); first match wins
    ("ational", "ate", 3), ("izations", "ize", 3), ("ization", "ize", 3), ("isation", "ize", 3), ("ements", "", 4),
    ("ement", "", 4), ("ments", "", 4), ("ment", "", 4), ("nesses", "", 3), ("ness", "", 3), ("ities", "", 3),
    ("ity", "", 4), ("ations", "at", 3), ("ation", "at", 3), ("ions", "", 3), ("ion", "", 3), ("ings", "", 3),
    ("ing", "", 3), ("ies", "y", 2), ("ied", "y", 2), ("edly", "", 3), ("ed", "", 3), ("ers", "", 3), ("er", "", 4),
    ("ly", "", 4), ("ises", "ize", 3), ("izes", "ize", 3), ("ised", "ize", 3), ("ized", "ize", 3), ("ise", "ize", 3),
    ("es", "", 3), ("s", "", 3),
]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    w = word.lower()
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) <= 3:
        return w
    for suffix, repl, shortest in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= shortest:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                continue
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # stopped -> stopp -> stop
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]  # donate ~ donat(ed)
    return w


def _alias_table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for group in ALIAS_GROUPS:
        canon = "=" + group[0]
        for member in group:
            table[tuple(member.replace(".", "").replace("-", " ").split())] = canon
    return table


ALIASES = _alias_table()
_ALIAS_MAX = max(len(k) for k in ALIASES)
_ALIAS_FIRST = frozenset(k[0] for k in ALIASES if k)  # the words alias phrases open with


@lru_cache(maxsize=1 << 17)  # ~30 MB at most
def _tok_fields(kind: str, text: str) -> tuple[str, str, bool, tuple[str, ...], str, bool, bool]:
    """A token's kind, low, neg, parts, stem, content and cap: they depend on its kind and text
    only, so each distinct token is worked out once (most of a text's tokens were seen before)."""
    if kind == "word" and len(text) >= 2 and text.isupper():
        kind = "acr"  # "US", "UN", "BBC": names, never the stopword "us"
    low = text.lower().replace("’", "'")
    neg = False
    if kind == "acr":
        low = low.replace(".", "")
    elif kind == "word":
        if low.endswith("n't"):
            neg = True
            low = {"wo": "will", "ca": "can", "sha": "shall"}.get(low[:-3], low[:-3])
        elif low.endswith("'s") or low.endswith("'"):
            low = low[:-2] if low.endswith("'s") else low[:-1]
    neg = neg or low in NEGATION_WORDS
    split = low.split("-") if "-" in low else None
    parts = tuple(stem(p) for p in split if p) if split else ()
    stem_ = stem(low.replace("-", "")) if kind in ("word", "acr") else low
    content = (kind in ("word", "acr") and len(low) > 1 and low not in NOT_CONTENT
               and not (split and all(p in NOT_CONTENT for p in split)))
    cap = kind == "acr" or (kind == "word" and text[:1].isupper())
    return kind, low, neg, parts, stem_, content, cap


class Tok:
    __slots__ = ("kind", "text", "start", "end", "low", "stem", "content", "neg", "cap", "parts")

    def __init__(self, kind: str, text: str, start: int, end: int) -> None:
        self.kind, self.low, self.neg, self.parts, self.stem, self.content, self.cap = _tok_fields(kind, text)
        self.text, self.start, self.end = text, start, end


def tokenize(text: str) -> list[Tok]:
    return list(tokens_from(text, 0))


def tokens_from(text: str, pos: int) -> Iterator[Tok]:
    """The tokens of ``text`` from ``pos`` on, lazily. From 0 they are ``tokenize(text)``; from
    another ``pos`` they are ``tokenize(text)``'s tokens from there when none of them spans
    ``pos`` and the first one found from there is no number (how a number splits depends on the
    token before): ``TOKEN_RE`` looks neither behind nor at the start, so a scan from ``pos``
    meets the same tokens."""
    prev: Optional[Tok] = None
    for m in TOKEN_RE.finditer(text, pos):
        kind = m.lastgroup or "sym"
        raw = m.group(0)
        if kind == "num" and ", " in raw and prev is not None and prev.low[:3] in _MONTH_PREFIXES:
            head = raw.split(", ")[0]  # "May 5, 200 people": a date, then a count
            yield Tok("num", head, m.start(), m.start() + len(head))
            rest = raw[len(head) + 2 :]
            prev = Tok("num", rest, m.end() - len(rest), m.end())
            yield prev
            continue
        prev = Tok(kind, raw, m.start(), m.end())
        yield prev


_CURRENCY = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
_MONTH_PREFIXES = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


@dataclass(frozen=True)
class Clause:
    neg: int  # parity of negation cues in the clause
    stems: frozenset[str]
    first: int  # token range [first, last)
    last: int


@dataclass(frozen=True)
class Analysis:
    text: str
    toks: tuple[Tok, ...]
    bag: frozenset[str]  # stems, hyphenated words whole and in parts
    keys: frozenset[str]  # name keys: lower-cased words, acronyms, alias groups
    lower_words: frozenset[str]  # words written in lower case here (not names)
    names: frozenset[str]  # words capitalised inside a sentence here
    quantities: tuple[Quantity, ...]
    clauses: tuple[Clause, ...]
    norm: str  # lower-cased words joined by spaces (for quotes and verbatim matches)
    negated: tuple[bool, ...]  # per token: the first content word after a negation cue, in its clause

    def position(self, stem_: str) -> Optional[int]:
        """Token index of the only occurrence of ``stem_``, None if absent or repeated."""
        hits = [i for i, t in enumerate(self.toks) if t.stem == stem_ or stem_ in t.parts]
        return hits[0] if len(hits) == 1 else None


def alias_keys(lows: list[str]) -> set[str]:
    """Canonical keys of every alias phrase in a sequence of lower-cased words. Only a word that
    opens an alias phrase (``_ALIAS_FIRST``) can start one: the phrases starting at the others
    are not looked up."""
    out: set[str] = set()
    for i in range(len(lows)):
        if lows[i] not in _ALIAS_FIRST:
            continue
        for n in range(1, _ALIAS_MAX + 1):
            canon = ALIASES.get(tuple(lows[i : i + n]))
            if canon:
                out.add(canon)
    return out


def _boundary(t: Tok) -> bool:
    return (t.kind == "sym" and (t.text in _BOUNDARY_SYMS or t.text in ".!?")) or t.low in CLAUSE_WORDS


_SCOPE_SKIP = STOPWORDS | frozenset("also yet ever only just even still already really".split())


def _negated(toks: list[Tok]) -> tuple[bool, ...]:
    """A negation cue scopes over the next word of its clause that says something: "has not been
    *shown*", "*no* reports", "failed to *reach*", "should not be *noted*". Quotation marks do
    not end the scope ("will not “suspend”")."""
    out = [False] * len(toks)
    pending = False
    for i, t in enumerate(toks):
        if t.kind == "sym" and t.text in "“”\"'‘’":
            continue
        if _boundary(t):
            pending = False
        elif t.neg:
            pending = not pending if t.low.endswith("n't") or t.low in ("not", "never", "no") and pending else True
            if t.content:
                out[i] = True
        elif pending and t.kind in ("word", "acr") and t.low not in _SCOPE_SKIP:
            out[i], pending = True, False
    return tuple(out)


def _clauses(toks: list[Tok]) -> list[Clause]:
    out: list[Clause] = []
    first, neg, stems = 0, 0, set()
    for i, t in enumerate(toks + [Tok("sym", ".", -1, -1)]):
        if _boundary(t) or i == len(toks):
            if stems:
                out.append(Clause(neg % 2, frozenset(stems), first, i))
            first, neg, stems = i + 1, 0, set()
            continue
        if t.neg:
            neg += 1
        if t.content:
            stems.add(t.stem)
            stems.update(t.parts)
    return out


@lru_cache(maxsize=8192)  # ~40 MB at most: a long-running server reuses it across requests
def analyse(text: str) -> Analysis:
    toks = tokenize(text)
    bag: set[str] = set()
    lows = [t.low for t in toks if t.kind in ("word", "acr")]
    keys: set[str] = set(lows)
    for t in toks:
        if t.content:
            bag.add(t.stem)
            bag.update(t.parts)
        elif t.text in _CURRENCY:
            bag.add(_CURRENCY[t.text])  # "$350 million" ~ "350 million dollars"
        if "-" in t.low:
            keys.update(t.low.split("-"))
            keys.add(t.low.replace("-", ""))
    keys |= alias_keys([k for low in lows for k in low.replace("-", " ").split()])
    lower_words = frozenset(t.low for t in toks if t.kind == "word" and not t.cap)
    names = frozenset(t.low for k, t in enumerate(toks)
                      if t.cap and k > 0 and not (toks[k - 1].kind == "sym" and toks[k - 1].text in '.:“"!?('))
    norm = " ".join(t.low for t in toks if t.kind in ("word", "acr", "num"))
    return Analysis(text, tuple(toks), frozenset(bag), frozenset(keys), lower_words, names,
                    tuple(quantities(toks, text)), tuple(_clauses(toks)), norm, _negated(toks))


class LazyAnalyses(Sequence[Analysis]):
    """``[analyse(t) for t in texts]``, each text analysed when its analysis is first read."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._got: list[Optional[Analysis]] = [None] * len(texts)

    def __len__(self) -> int:
        return len(self._got)

    def __getitem__(self, i):  # type: ignore[override]  # an index, not a slice
        got = self._got[i]
        if got is None:
            got = self._got[i] = analyse(self._texts[i])
        return got


@lru_cache(maxsize=1 << 17)
def _token_facts(kind: str, raw: str) -> tuple[tuple[str, ...], Optional[str], Optional[str], str]:
    """What one token adds to ``analyse``'s bag, lower_words and names (before context), and its
    kind; a token's own facts depend on its kind and text only."""
    t = Tok(kind, raw, 0, len(raw))
    bag = (t.stem, *t.parts) if t.content else ((_CURRENCY[t.text],) if t.text in _CURRENCY else ())
    return bag, (t.low if t.kind == "word" and not t.cap else None), (t.low if t.cap else None), t.kind


_OPENERS = '.:“"!?('  # after one of these a capitalised word opens a sentence: not a name


_NONE: frozenset[str] = frozenset()  # most chunks' lower_words or names: one shared empty set


@lru_cache(maxsize=1 << 16)  # ~50 MB at most
def chunk_profile(chunk: str) -> tuple[frozenset[str], frozenset[str], frozenset[str], Optional[str], bool, bool]:
    """``word_profile``'s facts of one whitespace-free chunk: its bag, lower_words and names
    (capitalised words after a token of the chunk that does not open a sentence), the name its
    first token would be after a token that does not open one, whether it holds a token, and
    whether its last token opens a sentence. Only a number can span whitespace ("5, 000"),
    and a number's pieces are numbers or a comma, so a text's words are its chunks' words."""
    bag: set[str] = set()
    lower: set[str] = set()
    names: set[str] = set()
    first: Optional[str] = None
    prev_kind, prev_text = "", ""
    for m in TOKEN_RE.finditer(chunk):
        raw = m.group(0)
        words, low_word, name, kind = _token_facts(m.lastgroup or "sym", raw)
        bag.update(words)
        if low_word is not None:
            lower.add(low_word)
        if name is not None:
            if not prev_kind:
                first = name
            elif not (prev_kind == "sym" and prev_text in _OPENERS):
                names.add(name)
        prev_kind, prev_text = kind, raw
    return (frozenset(bag) if bag else _NONE, frozenset(lower) if lower else _NONE,
            frozenset(names) if names else _NONE, first, bool(prev_kind), prev_kind == "sym" and prev_text in _OPENERS)


@lru_cache(maxsize=1 << 14)  # as ``analyse``: a server sees the same sources again
def word_profile(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """``analyse(text)``'s bag, lower_words and names, exactly, without the rest of the analysis:
    what the word weights and name lists of a large collection need, at a fraction of the cost.
    Read chunk by chunk (``chunk_profile``): most of a collection's chunks were seen before."""
    bag: set[str] = set()
    lower: set[str] = set()
    names: set[str] = set()
    started = opened = False  # a token came before; the last one opens a sentence
    for chunk in text.split():
        c_bag, c_lower, c_names, first, has_tokens, opens = chunk_profile(chunk)
        bag |= c_bag
        lower |= c_lower
        names |= c_names
        if first is not None and started and not opened:
            names.add(first)
        if has_tokens:
            started, opened = True, opens
    return frozenset(bag), frozenset(lower), frozenset(names)


# Where a number may run across whitespace ("5, 000", "1 234"): the one way a token spans it.
_SPANNING_NUMBER = re.compile(r"\d(?:[ \u00a0\u202f]|, )\d")


@lru_cache(maxsize=1 << 16)
def chunk_lows(chunk: str) -> tuple[str, ...]:
    """The low forms of one whitespace-free chunk's words and numbers (what ``norm`` joins)."""
    return tuple(_tok_fields(m.lastgroup or "sym", m.group(0))[1] for m in TOKEN_RE.finditer(chunk)
                 if m.lastgroup in ("word", "acr", "num"))


@lru_cache(maxsize=1 << 14)  # as ``word_profile``: a server sees the same sources again
def norm_of(text: str) -> str:
    """``analyse(text).norm``, exactly, without the rest of the analysis: the low forms of the
    text's whitespace chunks joined (a token spans whitespace only in a number with a digit on
    both sides, which ``_SPANNING_NUMBER`` finds; such a text is analysed). What a grounder's
    verbatim and quotation checks need of every passage, at a fraction of ``analyse``'s cost."""
    if _SPANNING_NUMBER.search(text):
        return analyse(text).norm
    return " ".join(chain.from_iterable(map(chunk_lows, text.split())))


_GROWN_ENDINGS = ("ate", "ize", "at", "iz", "y")  # what a suffix's replacement may add after the word's own letters


_IRREGULAR_FORMS: dict[str, set[str]] = {}
for _form, _stem in IRREGULAR.items():
    _IRREGULAR_FORMS.setdefault(_stem, set()).add(_form)


@lru_cache(maxsize=1 << 16)
def stem_probes(stem_: str) -> frozenset[str]:
    """Strings one of which every ASCII token whose bag holds ``stem_`` contains, lower-cased,
    with its hyphens (or dots) left out: ``stem`` keeps the start of a word up to where a suffix's
    replacement ("ational" -> "ate") begins, or maps an irregular form; "$" gives "dollar"."""
    head = next((stem_[: -len(e)] for e in _GROWN_ENDINGS if stem_.endswith(e)), stem_)
    return frozenset({head, *_IRREGULAR_FORMS.get(stem_, ()), *(sym for sym, word in _CURRENCY.items() if word == stem_)})


def alias_of(low: str) -> Optional[str]:
    return ALIASES.get((low.replace("-", " "),)) or ALIASES.get((low,))
