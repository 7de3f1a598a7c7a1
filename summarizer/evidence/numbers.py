"""Numbers in running text, normalised across the forms news writes them in. Pure.

"120,000", "120.000", "120 000"-as-"120, 000", "one hundred and twenty thousand", "$1.5bn",
"35 per cent", "21st", "twenty-first": each becomes a ``Quantity`` whose ``values`` hold every
reading of the written form (a lone "1.500" may be one and a half or fifteen hundred), so two
forms agree when their readings meet. ``kind`` says what the figure is (a year, a day of a month,
an ordinal, a percentage, money or a plain count); ``head`` is the word it counts ("four suicide
bombers" -> "suicid"), used to tell a changed figure from an unrelated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .lexicon import HEDGES, MONTH_ABBR, MONTHS

UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                    "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SHORT_SCALES = {"m": (1e6, 1.0), "mn": (1e6,), "bn": (1e9,), "b": (1e9, 1.0), "k": (1e3, 1.0), "tn": (1e12,)}
ORDINALS = {w: i + 1 for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                           "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                                           "nineteenth twentieth".split())}
ORDINALS |= {"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "dozen": 12}
NUMBER_WORDS = frozenset(UNITS) | frozenset(TENS) | frozenset(SCALES) | frozenset(ORDINALS) | {"dozen"}
_MONTHS = frozenset(MONTHS) | frozenset(MONTH_ABBR)
PERCENT_WORDS = ("percent", "pc")


@dataclass(frozen=True)
class Quantity:
    values: frozenset[float]
    kind: str  # "count", "year", "day", "ordinal", "percent", "money"
    start: int  # character offsets in the analysed text
    end: int
    soft: bool = False  # "one", "first": too common to demand support for
    hedged: bool = False  # "about 700", "more than 50": approximate
    head: Optional[str] = None  # stem of the word it counts


def _digits_readings(raw: str) -> set[float]:
    """Every sensible reading of a digit string with separators."""
    s = raw.replace(", ", ",")
    for space in (" ", "\u00a0", "\u202f"):
        s = s.replace(space, "")
    if "," in s and "." in s:
        if s.rfind(".") > s.rfind(","):
            return {float(s.replace(",", ""))}
        return {float(s.replace(".", "").replace(",", "."))}
    for sep, other in ((",", "."), (".", ",")):
        if sep in s:
            head, *groups = s.split(sep)
            thousands = all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3
            if thousands and (len(groups) > 1 or sep == ","):  # "120,000"; a lone "1.500" stays ambiguous
                return {float(s.replace(sep, ""))}
            if len(groups) == 1:
                decimal = float(head + "." + groups[0]) if head else 0.0
                return {decimal, float(head + groups[0])} if thousands else {decimal}
            return {float(p) for p in [head, *groups] if p}
    return {float(s)}


def parse_words(words: Sequence[str]) -> Optional[float]:
    """The value of a number written in words ("two hundred and thirty-five thousand")."""
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0.0
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "and":
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def _number_word(low: str) -> bool:
    return bool(low) and all(p in NUMBER_WORDS for p in low.split("-"))


class _Reader:
    """Walks a token list (see ``analysis.tokenize``) and collects the quantities."""

    def __init__(self, toks: list, text: str) -> None:
        self.toks = toks
        self.text = text
        self.out: list[Quantity] = []

    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < len(self.toks) else ""

    def adjacent(self, i: int) -> bool:  # token i starts right where i-1 ends
        return 0 < i < len(self.toks) and self.toks[i].start == self.toks[i - 1].end

    def run(self) -> list[Quantity]:
        i = 0
        while i < len(self.toks):
            t = self.toks[i]
            if t.kind == "num":
                i = self.digits(i)
            elif t.kind == "word" and (t.low in NUMBER_WORDS or t.low in ORDINALS or self.hyphen_number(t.low)):
                i = self.words(i)
            else:
                i += 1
        return self.out

    @staticmethod
    def hyphen_number(low: str) -> bool:
        parts = low.split("-")
        return len(parts) > 1 and all(p in UNITS or p in TENS or p in ORDINALS for p in parts)

    def digits(self, i: int) -> int:
        t = self.toks[i]
        values = _digits_readings(t.text)
        kind, j = "count", i + 1
        nxt = self.low(j)
        if self.low(i - 1) in ("$", "£", "€") or nxt in ("dollars", "pounds", "euros", "usd"):
            kind = "money"
        if nxt in ("st", "nd", "rd", "th") and self.adjacent(j):
            kind, j = "ordinal", j + 1
        elif nxt == "%" or nxt in PERCENT_WORDS or (nxt == "per" and self.low(j + 1) == "cent"):
            kind, j = "percent", j + (2 if nxt == "per" else 1)
        elif nxt in SCALES:
            values = {v * SCALES[nxt] for v in values}
            j += 1
        elif nxt in SHORT_SCALES and self.adjacent(j):
            values = {v * s for v in values for s in SHORT_SCALES[nxt]}
            j += 1
        if kind == "count" and len(t.text) == 4 and t.text.isdigit() and 1800 <= int(t.text) <= 2100:
            kind = "year"
        elif kind in ("count", "ordinal") and (self.low(i - 1) in _MONTHS or self.low(j) in _MONTHS
                                               or (self.low(j) == "of" and self.low(j + 1) in _MONTHS)):
            kind = "day"
        self.emit(i, j, values, kind)
        return j

    def words(self, i: int) -> int:
        j, seq = i, []
        while j < len(self.toks) and self.toks[j].kind == "word":
            parts = self.toks[j].low.split("-")
            if all(p in UNITS or p in TENS or p in SCALES or p == "dozen" for p in parts):
                seq += parts
            elif self.toks[j].low == "and" and seq and _number_word(self.low(j + 1)):
                seq.append("and")
            else:
                break
            j += 1
        if seq:
            value = parse_words(seq)
            if self.low(i - 1) in ("a", "an") and seq[0] in SCALES | {"hundred": 100, "dozen": 12}:
                value = parse_words(["one"] + seq)
            soft = seq == ["one"] or seq == ["zero"]
            kind = "day" if self.low(i - 1) in _MONTHS else "count"
            if self.low(j) in PERCENT_WORDS or self.low(j) == "%":
                kind, j = "percent", j + 1
            elif self.low(j) == "per" and self.low(j + 1) == "cent":
                kind, j = "percent", j + 2
            if value is not None:
                self.emit(i, j, {value}, kind, soft)
            return max(j, i + 1)
        # An ordinal word or a hyphenated ordinal ("twenty-first").
        parts = self.toks[i].low.split("-")
        value = sum(ORDINALS.get(p, UNITS.get(p, TENS.get(p, 0))) for p in parts)
        self.emit(i, i + 1, {float(value)}, "ordinal", soft=parts in (["first"], ["second"]))
        return i + 1

    def emit(self, i: int, j: int, values: set[float], kind: str, soft: bool = False) -> None:
        hedged = self.low(i - 1) in HEDGES or self.low(i - 2) in ("more", "less", "fewer", "up", "at")
        head = None
        for k in range(j, min(j + 3, len(self.toks))):
            if self.toks[k].kind == "word" and self.toks[k].content:
                head = self.toks[k].stem
                break
        self.out.append(Quantity(frozenset(values), kind, self.toks[i].start, self.toks[j - 1].end, soft, hedged, head))


def quantities(toks: list, text: str) -> list[Quantity]:
    return _Reader(toks, text).run()


def agree(claim: Quantity, passage: Quantity) -> bool:
    """Same figure: a reading in common, or (for a hedged claim) within 10 percent."""
    if claim.values & passage.values:
        return True
    if claim.hedged or passage.hedged:
        return any(abs(a - b) <= 0.1 * max(abs(a), abs(b)) for a in claim.values for b in passage.values)
    return any(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a in claim.values for b in passage.values)


def figure_in(claim: Quantity, passage: Sequence[Quantity]) -> bool:
    """The passage states the claim's figure. When it gives a figure for the same thing (same
    counted word), that one must agree: "nine days" does not confirm "nine suicide bombers"
    in a passage that says "four suicide bombers"."""
    if claim.head:
        same = [p for p in passage if p.head == claim.head]
        if same:
            return any(agree(claim, p) for p in same)
    return any(agree(claim, p) for p in passage)
