"""The grounding engine: is a claim supported, unsupported or contradicted by some passages? Pure.

``Grounder(passages, dates)`` indexes candidate passages (source sentences with their offsets);
``check(claim)`` returns a ``Verdict``: ``supported | unsupported | contradicted``, the passages
that support (or contradict) it, and a short reason code.

How a claim is judged:

1. *What it asserts*: its content words (stems, hyphen parts), each weighted by its rarity in the
   sources themselves (``log((N + 1) / (df + 0.5))`` over the passages), so the specific words
   decide and the common ones barely count.
2. *Where*: the best passage by weighted overlap, and up to two more that cover what it misses
   (a claim may merge two source sentences); the best three first choices are each tried.
3. *Hard checks on the chosen passages only* (``checks.py``, ``numbers.py``): every figure the
   claim states (in any written form) is in them, or in a date line of their source for years and
   days; every name is (aliases, transliterations, a surname after a full name); no clause says
   the opposite (negation, antonyms); the words around a shared verb keep their roles; quotes are
   verbatim. A figure or a name missing may be found in the next or previous sentence of a chosen
   passage, which is then cited too.
4. Weighted coverage >= ``COVERAGE``: supported. A polarity flip, a role swap or a changed figure
   counting the same thing, on passages that match the claim otherwise: contradicted.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Collection, Hashable, Iterable, Iterator, Mapping, Optional, Sequence, Union

from .analysis import Analysis, LazyAnalyses, Tok, analyse, norm_of, word_profile
from .claim import Claim, read_claim
from .vocabulary import Vocabulary, matchable_share, may_support, overlap
from .checks import Problem, check_names, check_polarity, check_roles, claim_names, quote_missing
from .numbers import Quantity, figure_in

SUPPORTED, UNSUPPORTED, CONTRADICTED = "supported", "unsupported", "contradicted"
COVERAGE = 0.5  # weighted share of the claim's words the supporting passages must contain
SHORT_CLAIM, SHORT_COVERAGE = 4, 0.67  # a claim of 1-3 content words has no room for a missing one
LOWEST_COVERAGE = min(COVERAGE, SHORT_COVERAGE)
CONTRA_COVERAGE = 0.5  # a contradiction needs passages about the same thing
MAX_SPANS = 3
MIN_GAIN = 0.08  # a second or third passage must add this much weighted coverage
FIRST_CHOICES = 3
SHORTLIST = 8
RELATED = 0.4  # a passage sharing this much of the claim may supply a missing figure


@dataclass(frozen=True)
class Passage:
    """A candidate span: its exact text and where it sits (``start`` in source ``source_id``)."""

    text: str
    source_id: str = ""
    start: int = 0
    key: Hashable = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Verdict:
    status: str  # SUPPORTED, UNSUPPORTED or CONTRADICTED
    reason: str  # "verbatim", "entailed", "low_coverage", "number_missing", "number_mismatch", ...
    passages: tuple[int, ...] = ()  # indices into the Grounder's passages, best first
    coverage: float = 0.0
    detail: str = ""

    @property
    def supported(self) -> bool:
        return self.status == SUPPORTED


class Grounder:
    def __init__(self, passages: Sequence[Passage], dates: Optional[Mapping[str, Iterable[str]]] = None,
                 rarity: Union["Grounder", Vocabulary, None] = None,
                 index: Optional[Mapping[str, list[int]]] = None) -> None:
        """``rarity``: take word weights from another grounder's (larger) collection, e.g. all
        the sources' sentences when checking a claim against its few cited spans; a
        ``Vocabulary`` also gives the collection's name lists. ``index``: which passages hold
        each word, as far as the claims to check go (then only those claims may be checked)."""
        self.passages = list(passages)
        texts = [p.text for p in self.passages]
        # Analysed when first read (a check reads few passages); the index, weights and verbatim
        # checks take what they need of every passage exactly, far more cheaply.
        self.an = LazyAnalyses(texts)
        read = index is None or not isinstance(rarity, Vocabulary)  # else nothing to read words for
        profiles = [word_profile(t) for t in texts] if read else []  # analyse's bag, lower_words, names
        if rarity is not None:
            self.max_idf, self.idf = rarity.max_idf, rarity.idf
        else:
            df: Counter = Counter()
            for bag, _, _ in profiles:
                df.update(bag)
            n = len(self.passages)
            self.max_idf = math.log((n + 1) / 0.5)
            self.idf = {s: math.log((n + 1) / (c + 0.5)) for s, c in df.items()}
        self.index: dict[str, list[int]] = dict(index or {})
        for i, (bag, _, _) in enumerate(profiles if index is None else ()):
            for s in bag:
                self.index.setdefault(s, []).append(i)
        if isinstance(rarity, Vocabulary):
            self.lower_words, self.names = rarity.lower_words, rarity.names
        else:
            self.lower_words = frozenset().union(*(p[1] for p in profiles))
            self.names = frozenset().union(*(p[2] for p in profiles))
        self._date_texts = {sid: list(lines) for sid, lines in (dates or {}).items()}
        self._dates: dict[str, list[Analysis]] = {}
        self.neighbours = self._neighbours()
        self._norms = [norm_of(t) for t in texts]  # analyse's norm
        self._only: Optional[Collection[int]] = None
        self.by_source: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            self.by_source.setdefault(p.source_id, []).append(i)

    def _neighbours(self) -> list[list[int]]:
        by_source: dict[str, list[int]] = {}
        for i, p in enumerate(self.passages):
            if p.source_id:
                by_source.setdefault(p.source_id, []).append(i)
        out: list[list[int]] = [[] for _ in self.passages]
        for ids in by_source.values():
            ids.sort(key=lambda i: self.passages[i].start)
            for k, i in enumerate(ids):
                out[i] = [ids[x] for x in (k - 1, k + 1) if 0 <= x < len(ids)]
        return out

    def weight(self, s: str) -> float:
        return self.idf.get(s, self.max_idf)

    def in_pool(self, norm: str) -> bool:
        return any(norm in x for x in self._norms)

    # ------------------------------------------------------------------------------------------

    def check(self, claim: str, prefer: Iterable[int] = (), only: Optional[Collection[int]] = None) -> Verdict:
        """The verdict on ``claim``; ``prefer`` wins ties (cited passages), ``only`` restricts
        the passages considered (one source's, for attribution)."""
        return next(self.check_each(claim, [only], prefer))

    def supports(self, claim: str, only: Optional[Collection[int]] = None) -> bool:
        """``check(claim, only=only).supported``, for callers that ask nothing more: cheaper, a
        claim that no choice of passages could cover enough is not judged (``support_only``)."""
        return next(self.check_each(claim, [only], support_only=True)).supported

    def check_each(self, claim: str, groups: Iterable[Optional[Collection[int]]],
                   prefer: Iterable[int] = (), support_only: bool = False) -> Iterator[Verdict]:
        """``check(claim, prefer, only)`` for each ``only`` of ``groups``, lazily: the claim read,
        and its overlap with the passages weighed, once for all of them (attribution checks one
        sentence against each source in turn). ``support_only``: a verdict that cannot be
        SUPPORTED may be a bare UNSUPPORTED "low_coverage" (no passages, no coverage); a
        supported one is the same."""
        a = analyse(" ".join(str(claim).split()))
        units = [t for t in a.toks if t.content]
        preferred = set(prefer)
        read: list = []  # whether a quotation is made up, then the claim: worked out when first needed
        for only in groups:
            self._only = only
            try:
                verdict = self._check(a, units, preferred, read, support_only) if units else Verdict(UNSUPPORTED, "no_claim")
            finally:
                self._only = None
            yield verdict

    def _check(self, a: Analysis, units: list[Tok], prefer: set[int], read: list, support_only: bool = False) -> Verdict:
        if len(a.norm.split()) >= 3:
            for i in (range(len(self._norms)) if self._only is None else sorted(self._only)):
                if a.norm in self._norms[i]:
                    return Verdict(SUPPORTED, "verbatim", (i,), 1.0)
        # Before reading the claim (a margin for the rounding of sums in another order): most
        # restatement checks end here.
        if support_only and matchable_share(self.index, self.weight, units, self._only) < LOWEST_COVERAGE - 1e-9:
            return Verdict(UNSUPPORTED, "low_coverage")
        if not read:
            made_up = quote_missing(a, self._norms)  # a quotation no source has cannot be supported
            read += [made_up, None if made_up else self._claim(a, units)]
        made_up, c = read
        if made_up:
            return Verdict(UNSUPPORTED, made_up.reason, (), 0.0, made_up.detail)
        ranked = self._rank(c, prefer)
        if not ranked:
            return Verdict(UNSUPPORTED, "low_coverage")
        if support_only and self._coverage_bound(c, ranked) < LOWEST_COVERAGE:
            return Verdict(UNSUPPORTED, "low_coverage")  # what most restatement checks find
        best: Optional[Verdict] = None
        for first in ranked[:FIRST_CHOICES]:
            verdict = self._judge(c, self._select(c, first, ranked))
            if best is None or _better(verdict, best):
                best = verdict
            if best.status == SUPPORTED:
                break
        assert best is not None
        return best

    def _claim(self, a: Analysis, units: list[Tok]) -> Claim:
        return read_claim(a, units, [self.weight(t.stem) for t in units], claim_names(a, self.lower_words, self.names))

    def sources_that_may_support(self, claim: str) -> set[str]:
        """Sources with a passage that might support ``claim`` alone (``may_support``): a cheap
        filter before checking sources one by one (attribution)."""
        return {self.passages[i].source_id for i in may_support(self.index, self.weight, claim, LOWEST_COVERAGE)}

    def _matched(self, c: Claim, i: int) -> list[bool]:
        got = c.matched.get(i)
        if got is None:
            bag, keys = self.an[i].bag, self.an[i].keys
            got = c.matched[i] = [t.stem in bag or bool(t.parts) and all(p in bag for p in t.parts)
                                  or (alias is not None and alias in keys) for t, alias in zip(c.units, c.aliases)]
        return got

    def _rank(self, c: Claim, prefer: set[int]) -> list[int]:
        if c.score is None:
            c.score = overlap(self.index, c.units, c.weights)
        score = c.score
        if self._only is not None:
            score = Counter({i: v for i, v in score.items() if i in self._only})
        elif prefer:
            score = Counter(score)  # the claim's own stays as ``overlap`` gave it
        for i in prefer:
            if i in score:
                score[i] *= 1.02  # ties go to the passages the writer cited
        return [i for i, _ in score.most_common(SHORTLIST)]

    def _coverage(self, c: Claim, chosen: Sequence[int]) -> tuple[float, list[int]]:
        """Weighted share of the claim matched, each clause by its best chosen passage (a word
        counts only in the passage that supports its clause), and that passage per clause."""
        keys = [self._clause_keys(c, i) for i in chosen]
        got, assign = 0.0, []
        for k in range(len(c.segments)):
            # The clause's passage is the one stating what it asserts; its names must be there too.
            best, best_i = (-1.0, -1.0), chosen[0]
            for i, key in zip(chosen, keys):
                if key[k] > best:
                    best, best_i = key[k], i
            got += best[1]
            assign.append(best_i)
        return got / c.total, assign

    def coverages_adding(self, c: Claim, chosen: Sequence[int], others: Sequence[int]) -> list[float]:
        """``[_coverage(c, chosen + [i])[0] for i in others]``, the chosen passages' best per
        clause worked out once: an added passage wins a clause only by stating it better."""
        keys = [self._clause_keys(c, i) for i in chosen]
        base = [max(key[k] for key in keys) for k in range(len(c.segments))]
        out = []
        for i in others:
            got = 0.0
            for mine, best in zip(self._clause_keys(c, i), base):
                got += (mine if mine > best else best)[1]
            out.append(got / c.total)
        return out

    def _coverage_bound(self, c: Claim, ranked: Sequence[int]) -> float:
        """At least ``_coverage(c, chosen)[0]`` for every ``chosen`` drawn from ``ranked``: each
        clause's most matched weight among them (float rounding is monotone, so summed in the
        same order these terms stay at least the ones ``_coverage`` adds). A verdict is SUPPORTED
        only with that coverage at ``LOWEST_COVERAGE`` or more (``_judge``)."""
        keys = [self._clause_keys(c, i) for i in ranked]
        got = 0.0
        for k in range(len(c.segments)):
            got += max(key[k][1] for key in keys)
        return got / c.total

    def _clause_keys(self, c: Claim, i: int) -> list[tuple[float, float]]:
        """Per clause, how well passage ``i`` states it: the weight of its matched words that are
        not names plus its figures', then of all its matched words. Worked out once per passage
        (``_select`` weighs each passage again with every combination it tries)."""
        got = c.clause_keys.get(i)
        if got is None:
            m = self._matched(c, i)
            got = c.clause_keys[i] = [
                (sum(c.weights[u] for u in seg if m[u] and not c.is_name[u])
                 + sum(self.max_idf for q in c.seg_figures[k] if figure_in(q, self.an[i].quantities)),
                 sum(c.weights[u] for u in seg if m[u]))
                for k, seg in enumerate(c.segments)]
        return got

    def _select(self, c: Claim, first: int, ranked: list[int]) -> list[int]:
        chosen = [first]
        cov, _ = self._coverage(c, chosen)
        while len(chosen) < MAX_SPANS and cov < 0.95:
            others = [i for i in ranked if i not in chosen]
            gains = list(zip(self.coverages_adding(c, chosen, others), others))
            if not gains:
                break
            new, i = max(gains)
            if new - cov < MIN_GAIN or sum(self._matched(c, i)) < 2:
                break  # a passage that lends one word is not part of the claim's evidence
            chosen.append(i)
            cov = new
        return chosen

    # ------------------------------------------------------------------------------------------

    def _judge(self, c: Claim, chosen: list[int]) -> Verdict:
        cov, assign = self._coverage(c, chosen)
        if cov < CONTRA_COVERAGE:
            return Verdict(UNSUPPORTED, "low_coverage", tuple(chosen), cov)
        support = [self.an[i] for i in chosen]
        problem = check_polarity(c.analysis, support) or next(
            (p for p in (check_roles(c.analysis, a, c.names) for a in support) if p), None)
        if problem:
            return Verdict(CONTRADICTED, problem.reason, tuple(chosen), cov, problem.detail)
        problem = self._figures(c, chosen, assign)
        needed = COVERAGE if len(c.units) >= SHORT_CLAIM else SHORT_COVERAGE
        if problem is None and cov >= needed:
            problem = self._names(c, chosen, assign)
        if problem is None and cov >= needed:
            problem = quote_missing(c.analysis, [self._norms[i] for i in chosen])
        if problem:
            status = CONTRADICTED if problem.contradiction else UNSUPPORTED
            return Verdict(status, problem.reason, tuple(chosen), cov, problem.detail)
        if cov < needed:
            return Verdict(UNSUPPORTED, "low_coverage", tuple(chosen), cov)
        return Verdict(SUPPORTED, "entailed", tuple(chosen), cov)

    def _date_lines(self, i: int) -> list[Analysis]:
        sid = self.passages[i].source_id
        if sid not in self._dates:  # analysed when first read, as the passages are
            self._dates[sid] = [analyse(line) for line in self._date_texts.get(sid, ())]
        return self._dates[sid]

    def _segment_share(self, c: Claim, seg: int, i: int) -> float:
        """How much of what a clause asserts (its words other than names) passage ``i`` states."""
        units = [u for u in c.segments[seg] if not c.is_name[u]]
        total = sum(c.weights[u] for u in units)
        m = self._matched(c, i)
        return sum(c.weights[u] for u in units if m[u]) / total if total else 0.0

    def _partners(self, c: Claim, seg: int, assign: list[int]) -> list[int]:
        """The passages of the claim's other clauses that also state something of this clause."""
        home = assign[min(seg, len(assign) - 1)]
        out = []
        for i in dict.fromkeys(assign):
            m = self._matched(c, i)
            if i != home and any(m[u] and not c.is_name[u] for u in c.segments[seg]):
                out.append(i)
        return out

    def _helpers(self, c: Claim, seg: int, home: int, chosen: list[int], related: bool) -> list[int]:
        """Passages that may lend a clause what its passage lacks: the sentences before and
        after it, and (``related``) passages that support the same clause about as well."""
        near = [j for j in self.neighbours[home] if j not in chosen]
        if not related:
            return near
        return near + [j for j in self._rank(c, set()) if j not in chosen and j not in near
                       and self._segment_share(c, seg, j) >= RELATED]

    def _figures(self, c: Claim, chosen: list[int], assign: list[int]) -> Optional[Problem]:
        for q in c.figures:
            seg = c.segment_at(q.start)
            home = assign[min(seg, len(assign) - 1)]

            def has(a: Analysis, q: Quantity = q) -> bool:
                return figure_in(q, a.quantities)

            conflict = q.head and any(p.head == q.head and p.kind == q.kind and not p.soft
                                      for p in self.an[home].quantities)
            if has(self.an[home]) or not conflict and any(
                    has(self.an[i]) for i in self._partners(c, seg, assign)
                    + [i for i in chosen if self._segment_share(c, seg, i) >= RELATED]):
                continue
            if q.kind in ("year", "day") and any(has(d) for i in chosen for d in self._date_lines(i)):
                continue
            if conflict:  # the clause's own passage counts the same thing differently
                return Problem("number_mismatch", c.analysis.text[q.start : q.end], True)
            extra = next((j for j in self._helpers(c, seg, home, chosen, True) if has(self.an[j])), None)
            if extra is not None and len(chosen) <= MAX_SPANS:
                chosen.append(extra)
                continue
            return Problem("number_missing", c.analysis.text[q.start : q.end])
        return None

    def _names(self, c: Claim, chosen: list[int], assign: list[int]) -> Optional[Problem]:
        for group in c.names:
            seg = c.segment_at(group[0].start)
            home = assign[min(seg, len(assign) - 1)]
            candidates = [home] + self._partners(c, seg, assign) + [
                i for i in chosen if i != home and self._segment_share(c, seg, i) >= RELATED]
            problem = None
            for i in candidates + self._helpers(c, seg, home, chosen, False):
                problem = check_names(c.analysis, [group], [self.an[i]], self._date_lines(i), self.in_pool)
                if problem is None:
                    if i not in chosen and len(chosen) <= MAX_SPANS:
                        chosen.append(i)
                    break
            if problem:
                return problem
        return None


def _better(a: Verdict, b: Verdict) -> bool:
    rank = {SUPPORTED: 2, CONTRADICTED: 1, UNSUPPORTED: 0}
    return (rank[a.status], a.coverage) > (rank[b.status], b.coverage)


def ground(claim: str, passages: Sequence[Passage], dates: Optional[Mapping[str, Iterable[str]]] = None) -> Verdict:
    """One-off check of ``claim`` against ``passages`` (build a ``Grounder`` to check many)."""
    return Grounder(passages, dates).check(claim)


__all__ = ["Grounder", "Passage", "Verdict", "ground", "SUPPORTED", "UNSUPPORTED", "CONTRADICTED", "COVERAGE"]