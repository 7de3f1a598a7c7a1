"""Conflicts: the LLM judges candidate pairs; deterministic signals add what it cannot see.

Candidates are pairs of similar content sentences from different sources (shared rare content
words) where each gives a number or month name the other does not (one that only adds a figure or
a date to what the other says is not a disagreement, and is not worth a call); with no candidate,
no call is made. The model gets them numbered and answers
{"conflicts": [{"pair", "text"}]}; a finding is kept only if its pair number exists and its text is
supported by the pair's two sentences (``support.Resolver``), and it always cites both sides.
Deterministic conflicts (``conflicts.find_conflicts``: differing figures, page dates vs. the text's
years; ``periods.period_conflicts``: a source describing another period) are added; every conflict
must cite at least two sources, and two conflicts over the same spans are kept once.
"""

from __future__ import annotations

import asyncio
from typing import Optional

from ...contract.result import Sentence
from ...evidence.citations import cite_sentence
from ...evidence.conflicts import MAX_POSTING, find_conflicts
from ...evidence.periods import months_in
from ...evidence.support import Passage, Resolver
from ...evidence.textstats import content_words, numbers, similar_pairs
from ...prepare.spans import SourceSentence, Unit
from .common import ConflictsReply, call, conflicts_schema, example_reply, strip_tags, use_template
from .context import RunContext

MAX_PAIRS = 6
MIN_SIMILARITY = 0.2


def _facets(text: str) -> set[str]:
    return numbers(text) | {name for _, name in months_in(text)}


def _cross_source(u: Unit, v: Unit) -> Optional[tuple[SourceSentence, SourceSentence]]:
    """An occurrence of each unit, from two different sources (None if they share every source)."""
    for a in u.content_occurrences:
        for b in v.content_occurrences:
            if a.source_id != b.source_id:
                return a, b
    return None


def worth_asking(facets_a: set[str], facets_b: set[str]) -> bool:
    """Whether two similar sentences might disagree on a figure or a date: each has one the other
    lacks. ("Began in early May, like the late March battle" / "in late March": the second only
    says less; "passed 121,000" / "passed 150,000": worth asking.)"""
    return bool(facets_a - facets_b) and bool(facets_b - facets_a)


def candidate_pairs(run: RunContext) -> list[tuple[SourceSentence, SourceSentence]]:
    """Similar passages of different sources that might disagree on a figure or a date
    (``worth_asking``), most similar first.

    Works on dedup units, not sentences, so a passage repeated across many sources is one
    candidate, and posting lists of words common to many units are skipped: near-linear.
    """
    texts = run.texts
    units = []
    for u in run.corpus.units:
        occ = u.content_occurrences
        if occ:
            text = texts[occ[0].source_id][occ[0].start : occ[0].end]
            facets = _facets(text)
            if facets:
                units.append((u, set(content_words(text)), facets))
    cap = max(3, min(len(run.corpus.documents) * 2, MAX_POSTING))
    scored = []
    for i, j, sim in similar_pairs([ws for _, ws, _ in units], cap, MIN_SIMILARITY):
        (u, _, fu), (v, _, fv) = units[i], units[j]
        if worth_asking(fu, fv):
            pair = _cross_source(u, v)
            if pair:
                scored.append((-sim, i, j, pair))
    scored.sort(key=lambda t: t[:3])
    return [pair for *_, pair in scored[:MAX_PAIRS]]


def _clip(text: str, words: int = 12) -> str:
    """The start of a sentence, for the example: a verbatim prefix, so quote checks still pass."""
    ws = text.split()
    return " ".join(ws[:words])


def _key(s: Sentence) -> frozenset:
    return frozenset((c.source_id, c.start, c.end) for c in s.citations)


async def _ask(run: RunContext, pairs: list[tuple[SourceSentence, SourceSentence]]) -> list[Sentence]:
    texts = run.texts
    template = use_template(run, "conflicts")

    def show(s: SourceSentence) -> str:
        return " ".join(texts[s.source_id][s.start : s.end].split())

    numbered = "\n".join(
        f"[{i}] {a.source_id}: {show(a)}\n    {b.source_id}: {show(b)}" for i, (a, b) in enumerate(pairs, 1)
    )
    max_tokens = min(run.config.max_output_tokens, 90 * len(pairs) + 40)
    a, b = pairs[0]
    example = example_reply(f"{a.source_id} says “{_clip(show(a))}”, while {b.source_id} says “{_clip(show(b))}”.",
                            key="conflicts", number_field="pair")
    reply = await call(run, template, {"numbered": numbered, "example": example}, conflicts_schema(len(pairs)), ConflictsReply,
                       max_tokens, "conflicts")
    if reply is None:
        return []
    out = []
    resolver: Resolver = Resolver(run.counters)
    for gen in reply.conflicts[:MAX_PAIRS]:
        if not 1 <= gen.pair <= len(pairs):
            run.counters.out_of_range_cites += 1
            continue
        a, b = pairs[gen.pair - 1]
        pa, pb = Passage.of(0, show(a)), Passage.of(1, show(b))
        text = strip_tags(gen.text)
        kept = resolver.resolve(text, [pa, pb], [pa, pb])
        if kept is None:
            run.counters.dropped_conflicts += 1
            continue
        # Both sides are the evidence of a disagreement, whichever one the wording leans on.
        out.append(Sentence(text=text, citations=[cite_sentence(texts, a), cite_sentence(texts, b)]))
    run.counters.llm_conflicts += len(out)
    return out


Evidence = tuple[list[tuple[SourceSentence, SourceSentence]], list[Sentence]]


async def conflict_evidence(run: RunContext) -> Evidence:
    """The candidate pairs for the model and the deterministic conflicts: pure CPU over every
    sentence, independent of the map, so the backend starts it while the map calls wait for their
    replies (off the event loop, so those replies keep being handled), once the first are sent."""
    pairs = await run.in_background(candidate_pairs, run)
    deterministic = await run.in_background(find_conflicts, run.corpus)
    return pairs, deterministic


async def find_llm_conflicts(run: RunContext, evidence: "Optional[asyncio.Future[Evidence]]" = None) -> list[Sentence]:
    pairs, deterministic = await (evidence if evidence is not None else conflict_evidence(run))
    run.counters.conflict_candidates += len(pairs)
    found = []
    if pairs:
        # Beside the reduce's last call, which leaves slots free (any earlier, the call would
        # take a slot from a map or reduce call and could add a round to the run).
        await run.final_round.wait()
        found = await _ask(run, pairs)
    run.progress("conflicts", {"done": 1, "total": 1, "candidates": len(pairs)})
    out: list[Sentence] = []
    seen: set[frozenset] = set()
    for s in found + deterministic:
        if len({c.source_id for c in s.citations}) < 2:
            run.counters.dropped_conflicts += 1
            continue
        if _key(s) in seen:
            continue
        seen.add(_key(s))
        out.append(s)
    return out
