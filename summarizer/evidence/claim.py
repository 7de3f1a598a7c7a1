"""A claim as the grounding engine reads it: its content words and their weights, its clauses,
names and figures, and what it has learnt about passages while checking it. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from .analysis import Analysis, Tok, alias_of
from .numbers import Quantity

SEGMENT_UNITS = 3


@dataclass
class Claim:
    analysis: Analysis
    units: list[Tok]  # content words
    weights: list[float]
    total: float
    segments: list[list[int]]  # unit indices of each clause (short clauses merged)
    seg_of_token: dict[int, int]  # token index -> segment
    names: list[list[Tok]]
    figures: list[Quantity]
    is_name: list[bool] = field(default_factory=list)  # per unit
    seg_figures: list[list[Quantity]] = field(default_factory=list)
    matched: dict[int, list[bool]] = field(default_factory=dict)  # passage -> which units it has
    clause_keys: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # passage -> ``_clause_keys``
    aliases: list[Optional[str]] = field(default_factory=list)  # per unit: its alias group ("=united states")
    score: Optional[Counter] = None  # ``overlap`` with every passage, once worked out

    def segment_at(self, offset: int) -> int:
        for i, t in enumerate(self.analysis.toks):
            if t.start >= offset:
                return self.seg_of_token.get(i, 0)
        return 0


def clause_segments(a: Analysis, unit_index: dict[int, int]) -> tuple[list[list[int]], dict[int, int]]:
    """Clauses as groups of unit indices, a clause with fewer than ``SEGMENT_UNITS`` content
    words joined to the next one (the last to the one before)."""
    segs: list[list[int]] = []
    ranges: list[list[tuple[int, int]]] = []
    current: list[int] = []
    spans: list[tuple[int, int]] = []
    for cl in a.clauses:
        current += [unit_index[i] for i in range(cl.first, cl.last) if i in unit_index]
        spans.append((cl.first, cl.last))
        if len(current) >= SEGMENT_UNITS:
            segs.append(current)
            ranges.append(spans)
            current, spans = [], []
    if current or not segs:
        if segs:
            segs[-1] += current
            ranges[-1] += spans
        else:
            segs.append(current)
            ranges.append(spans)
    seg_of_token = {i: k for k, rs in enumerate(ranges) for first, last in rs for i in range(first, last)}
    return segs, seg_of_token


def read_claim(a: Analysis, units: list[Tok], weights: list[float], names: list[list[Tok]]) -> Claim:
    """The claim ``a`` (``units``: its content words, ``weights`` theirs, ``names``: its name
    groups, ``checks.claim_names``)."""
    unit_index = {i: k for k, i in enumerate(i for i, t in enumerate(a.toks) if t.content)}
    segs, seg_of_token = clause_segments(a, unit_index)
    c = Claim(a, units, weights, sum(weights), segs, seg_of_token, names, [q for q in a.quantities if not q.soft])
    name_starts = {t.start for g in c.names for t in g}
    c.is_name = [t.start in name_starts for t in units]
    c.aliases = [alias_of(t.low) for t in units]
    c.seg_figures = [[q for q in c.figures if c.segment_at(q.start) == k] for k in range(len(segs))]
    return c
