"""Reduce stage: one consolidated summary from the per-source summaries, hierarchically if needed.

Facts = the per-source summary sentences (each with the units it was verified against) plus the
passages several sources state verbatim (dedup units with 2+ sources). The model sees them
numbered with source labels and answers sentences citing fact numbers; a sentence is verified
against the units of the facts it cites (re-pointed within the group's facts, or dropped). If the
facts do not fit one request, they are packed into groups that do, each group is reduced to at
most ``consolidated_sentences`` new facts, and so on: ``reduce_levels`` counts the levels. Finally
every source that states a kept sentence is cited too (best supporting unit per other source).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Optional

from ...contract.result import Sentence
from ...errors import ContextOverflow
from ...evidence.citations import cite_unit
from ...evidence.support import Passage, Resolver
from ...prepare.spans import Unit
from ...evidence.periods import off_period_sources
from ..arrange import WORDS_TOLERANCE, Pick, fit_words, order, source_dates, top_up
from .common import SentencesReply, call, example_reply, focus_line, sentences_schema, strip_tags, use_template
from .map_stage import MapItem, dedupe_citations
from .context import RunContext

_LINE_OVERHEAD = 2
_SHARED_UNITS_PER_SENTENCE = 3  # how many multi-source passages join the facts, per output sentence


@dataclass
class Fact:
    text: str
    passages: list[Passage[int]]


def _sources(run: RunContext, units: dict[int, Unit], fact: Fact) -> list[str]:
    seen: dict[str, None] = {}
    for p in fact.passages:
        for sid in units[p.key].source_ids:
            seen.setdefault(sid, None)
    return list(seen)


def _initial_facts(run: RunContext, per_source: dict[str, list[MapItem]], units: dict[int, Unit]) -> list[Fact]:
    facts: list[Fact] = []
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for d in run.corpus.documents:
        for item in per_source[d.id]:
            key = (item.sentence.text, tuple(p.key for p in item.passages))
            if key not in seen:  # copies of a document state the same facts: show them once
                seen.add(key)
                facts.append(Fact(item.sentence.text, item.passages))
    used = {p.key for f in facts for p in f.passages}
    shared = [u for u in units.values() if len(u.source_ids) >= 2 and u.id not in used]
    shared.sort(key=lambda u: (-len(u.source_ids), u.canonical.source_id, u.canonical.index))
    for u in shared[: _SHARED_UNITS_PER_SENTENCE * run.options.consolidated_sentences]:
        s = u.content_occurrences[0]
        facts.append(Fact(" ".join(run.texts[s.source_id][s.start : s.end].split()), [Passage.of(u.id, run.texts[s.source_id][s.start : s.end])]))
    return facts


class _Reducer:
    def __init__(self, run: RunContext) -> None:
        self.run = run
        self.template = use_template(run, "reduce")
        self.units = {u.id: u for u in run.corpus.units if u.has_content}
        self.label = {d.id: f"S{i}" for i, d in enumerate(run.corpus.documents, 1)}
        words = run.options.words
        # With a length in words, room for enough sentences (news sentences: ~20 words).
        self.k = run.options.consolidated_sentences if words is None else max(run.options.consolidated_sentences,
                                                                                 -(-words // 18))
        self.max_tokens = min(run.config.max_output_tokens, 80 * self.k + 60)
        self.focus = focus_line(run.options.focus)
        fixed = run.budget.prompt_tokens(self.template.render(max_sentences=self.k, numbered="", example="", focus=self.focus),
                                         sentences_schema(self.k, 9999))
        self.room = run.budget.room(fixed, self.max_tokens)
        self.fixed = fixed
        if self.room <= 0:
            raise ContextOverflow(f"the reduce prompt alone does not fit the model's context window ({run.chat.context_window})")

    def labels(self, fact: Fact) -> str:
        return ", ".join(self.label[s] for s in _sources(self.run, self.units, fact))

    def line(self, i: int, fact: Fact) -> str:
        """A fact's line with its sources inline: what ``pack`` counts, an upper bound on its share
        of ``numbered`` (where a run of facts from the same sources shares one "S1:" line)."""
        return f"[{i}] ({self.labels(fact)}) {fact.text}"

    def numbered(self, facts: list[Fact]) -> str:
        """The facts numbered, under a line naming their sources each time those change ("S2:"):
        facts come source by source, so once per source instead of once per fact."""
        lines, last = [], None
        for i, f in enumerate(facts, 1):
            labels = self.labels(f)
            if labels != last:
                lines.append(f"{labels}:")
                last = labels
            lines.append(f"[{i}] {f.text}")
        return "\n".join(lines)

    def pack(self, facts: list[Fact]) -> list[list[Fact]]:
        """Groups that fit one request each; a group's example (its first fact again) is counted too."""
        groups: list[list[Fact]] = []
        group: list[Fact] = []
        used = 0
        count = self.run.budget.counter.count
        for f in facts:
            cost = count(self.line(len(group) + 1, f)) + _LINE_OVERHEAD
            if not group:
                cost += count(example_reply(f.text))
            if cost > self.room:
                raise ContextOverflow("a single summary sentence does not fit the reduce prompt's context window")
            if group and used + cost > self.room:
                groups.append(group)
                group, used = [], 0
                cost = count(self.line(1, f)) + _LINE_OVERHEAD + count(example_reply(f.text))
            group.append(f)
            used += cost
        if group:
            groups.append(group)
        return groups

    async def reduce_group(self, facts: list[Fact], purpose: str, resolver: Resolver) -> Optional[list[Fact]]:
        numbered = self.numbered(facts)
        values = {"max_sentences": self.k, "numbered": numbered, "example": example_reply(facts[0].text),
                  "focus": self.focus}
        reply = await call(self.run, self.template, values, sentences_schema(self.k, len(facts)), SentencesReply,
                           self.max_tokens, purpose)
        self.run.counters.reduce_calls += 1
        if reply is None:
            return None
        pool: list[Passage[int]] = []
        for f in facts:
            pool += [p for p in f.passages if p not in pool]
        out = []
        for gen in reply.sentences[: self.k]:
            cited: list[Passage[int]] = []
            for n in gen.cites:
                if 1 <= n <= len(facts):
                    cited += [p for p in facts[n - 1].passages if p not in cited]
                else:
                    self.run.counters.out_of_range_cites += 1
            text = strip_tags(gen.text)
            kept = resolver.resolve(text, cited, pool)
            if kept is not None:
                out.append(Fact(text, kept))
        return out

    def to_sentence(self, fact: Fact) -> Sentence:
        """Cite the fact's units. Other sources that state it are cited by the assembly's
        attribution (``evidence.attribution``), with the one support checker every stage uses."""
        texts = self.run.texts
        citations = [c for p in fact.passages for c in cite_unit(texts, self.units[p.key])]
        return Sentence(text=fact.text, citations=dedupe_citations(citations))


def _top_facts(facts: list[Fact], k: int, reducer: _Reducer) -> list[Fact]:
    """Deterministic stand-in for a failed group call: the facts stated by the most sources."""
    ranked = sorted(range(len(facts)), key=lambda i: (-len(_sources(reducer.run, reducer.units, facts[i])), i))
    return [facts[i] for i in sorted(ranked[:k])]


def spare_picks(run: RunContext) -> "asyncio.Future[list[Sentence]]":
    """The extractive picks a short reply is filled up from: they do not depend on the map, so
    they are found while the map calls wait (``run.in_background``), not on the reduce's path."""
    r = _Reducer(run)
    return asyncio.ensure_future(run.in_background(_fill_picks, run, r, True))


async def reduce_all(run: RunContext, per_source: dict[str, list[MapItem]],
                     spare: "Optional[asyncio.Future[list[Sentence]]]" = None) -> list[Sentence]:
    r = _Reducer(run)
    spare = spare if spare is not None else spare_picks(run)
    try:
        return await _reduce_levels(run, r, per_source, spare)
    finally:
        run.final_round.set()  # (also when the reduce failed: nothing waits for ever)
        if not spare.done():
            await asyncio.wait([spare])


async def _reduce_levels(run: RunContext, r: "_Reducer", per_source: dict[str, list[MapItem]],
                         spare: "asyncio.Future[list[Sentence]]") -> list[Sentence]:
    facts = _initial_facts(run, per_source, r.units)
    final: list[Fact] = []
    level = 0
    while facts:
        level += 1
        groups = r.pack(facts)
        done = 0

        async def one(i: int, group: list[Fact], resolver: Resolver) -> list[Fact]:
            nonlocal done
            out = await r.reduce_group(group, f"reduce:{level}:{i + 1}/{len(groups)}", resolver)
            done += 1
            run.progress("reduce", {"level": level, "done": done, "total": len(groups)})
            return _top_facts(group, r.k, r) if out is None else out

        if len(groups) == 1:
            run.final_round.set()
            final = await one(0, groups[0], Resolver(run.counters))
            break
        parts = await asyncio.gather(*(one(i, g, Resolver(run.counters)) for i, g in enumerate(groups)))
        merged = [f for part in parts for f in part]
        if len(merged) >= len(facts):
            raise ContextOverflow("hierarchical reduce cannot shrink the summaries to fit the context window")
        facts = merged
    run.counters.reduce_levels = level
    sentences = [r.to_sentence(f) for f in final]
    return _fill_fit_order(run, r, sentences, await spare)


def _fill_picks(run: RunContext, r: "_Reducer", some: bool) -> list[Sentence]:
    """The extractive consolidated picks a reduce's sentences are filled up from: with a length
    in words, the summary of that length when the model gave nothing (``some`` False), else the
    picks for twice the length, which a part is topped up from."""
    from ..extractive import consolidate, source_leads

    words = run.options.words
    pool = words if words is None or not some else min(5000, 2 * words)
    whole = not some  # the extractive summary itself: with its pairs and its coverage of the sources
    leads = source_leads(run.corpus, run.extractive_vectors(), run.options, run.extractive_focus()) if whole else None
    return consolidate(run.corpus, list(r.units.values()), run.extractive_vectors(), r.k, focus=run.extractive_focus(),
                       words=pool, skip_sources=off_period_sources(run.corpus), pairs=whole, leads=leads)


def _fill_fit_order(run: RunContext, r: _Reducer, sentences: list[Sentence], spare: list[Sentence]) -> list[Sentence]:
    """The reduce's sentences as the extractive consolidated summary would be finished: cut to
    the length asked, filled up (weak model, failed call) with the extractive picks (same focus,
    same sources left out, counted as fallback), in ``arrange.order``."""
    words = run.options.words
    if words is not None:
        sentences = [sentences[i] for i in fit_words([len(s.text.split()) for s in sentences], words)]
    missing = (words - sum(len(s.text.split()) for s in sentences)) if words is not None else r.k - len(sentences)
    if missing > (words * WORDS_TOLERANCE if words is not None else 0):
        cited = {(c.source_id, c.start) for s in sentences for c in s.citations}
        if not sentences:  # nothing from the model: the extractive summary as it is (pairs, coverage, order)
            picks = _fill_picks(run, r, False)
            run.counters.fallback_sentences += len(picks)
            return picks
        picks = spare
        extra = [s for s in picks if not any((c.source_id, c.start) in cited for c in s.citations)]
        if words is not None and sentences:
            lengths = [len(s.text.split()) for s in extra]
            extra = [extra[i] for i in top_up([len(s.text.split()) for s in sentences], lengths, words)]
        else:
            extra = extra[:missing]
        run.counters.fallback_sentences += len(extra)
        sentences += extra
    rank_of = {d.id: i for i, d in enumerate(run.corpus.documents)}
    unit_at = {(s.source_id, s.start): u for u in r.units.values() for s in u.content_occurrences}
    vectors = run.extractive_vectors()
    picks = []
    for i, s in enumerate(sentences):
        if s.citations:
            c = s.citations[0]
            unit = unit_at.get((c.source_id, c.start))
            picks.append(Pick(c.source_id, c.start, s.text, vectors[unit.id] if unit else {}, i, rank_of[c.source_id]))
    ordered = order(picks, *source_dates(run.corpus, [p.source_id for p in picks]))
    return [sentences[p.rank] for p in ordered] + [s for s in sentences if not s.citations]
