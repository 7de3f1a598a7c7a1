"""Map stage: one cited summary per source, all sources concurrently.

The model sees the source's content units, numbered 1..n (junk never shown, a unit repeated in
the source shown once), and answers {"sentences": [{"text", "cites": [numbers]}]}. A source too
large for the context window is cut with ``chunking.chunk_source`` into chunks mapped
concurrently; the chunks' sentences are combined round-robin (so every part of a long article is
represented) up to ``per_source_sentences``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Optional

from ...contract.documents import Document
from ...contract.result import Citation, Sentence
from ...errors import ContextOverflow
from ...evidence.citations import cite_unit
from ...evidence.support import Passage, Resolver
from ...prepare.spans import SourceSentence, Unit
from ..arrange import WORDS_TOLERANCE, fit_words, per_source_words, top_up
from .chunking import chunk_source
from .common import SentencesReply, call, example_reply, focus_line, sentences_schema, strip_tags, use_template
from .context import RunContext

_LINE_OVERHEAD = 2  # "[12] " prefix and newline, on top of counting the number itself


@dataclass
class MapItem:
    sentence: Sentence
    passages: list[Passage[int]]  # keyed by Unit.id


@dataclass
class Entry:
    unit: Unit
    sentence: SourceSentence  # this source's occurrence
    text: str  # whitespace-collapsed display text


def source_entries(run: RunContext, source_id: str) -> list[Entry]:
    seen: set[int] = set()
    out = []
    text = run.texts[source_id]
    for s in run.corpus.sentences[source_id]:
        if s.junk is not None:
            continue
        unit = run.corpus.unit_of[(source_id, s.index)]
        if unit.id in seen:
            continue
        seen.add(unit.id)
        out.append(Entry(unit, s, " ".join(text[s.start : s.end].split())))
    return out


def dedupe_citations(citations: list[Citation]) -> list[Citation]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in citations:
        key = (c.source_id, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _numbered(entries: list[Entry]) -> str:
    return "\n".join(f"[{i}] {e.text}" for i, e in enumerate(entries, 1))


def _split_to_fit(run: RunContext, entries: list[Entry], room: int, doc: Document) -> list[list[Entry]]:
    """Chunks of entries whose numbered lines fit in ``room`` tokens (chunking.chunk_source first)."""
    counter = run.budget.counter
    cost = [counter.count(f"[{i}] {e.text}") + _LINE_OVERHEAD for i, e in enumerate(entries, 1)]
    if sum(cost) <= room:
        return [entries]
    if max(cost) > room:
        raise ContextOverflow(f"{doc.id}: one sentence alone does not fit the model's context window")
    opts = run.options
    size = max(16, min(opts.chunk_tokens, int(room * 0.8)))
    chunks = chunk_source(doc.id, doc.text, [(e.sentence.start, e.sentence.end) for e in entries], counter,
                          max_tokens=size, overlap_tokens=min(opts.chunk_overlap, size // 4))
    groups: list[list[Entry]] = []
    for ch in chunks:
        members = [i for i, e in enumerate(entries) if ch.start <= e.sentence.start < ch.end]
        # chunk_source counts raw text; numbering adds a little, so re-pack greedily if needed.
        group: list[Entry] = []
        used = 0
        for i in members:
            if group and used + cost[i] > room:
                groups.append(group)
                group, used = [], 0
            group.append(entries[i])
            used += cost[i]
        if group:
            groups.append(group)
    return groups


async def _map_chunk(run: RunContext, template, doc: Document, entries: list[Entry], k: int, max_tokens: int,
                     resolver: Resolver, purpose: str) -> list[MapItem]:
    values = {"max_sentences": k, "title": doc.title or doc.id, "numbered": _numbered(entries),
              "example": example_reply(entries[0].text), "focus": focus_line(run.options.focus)}
    reply = await call(run, template, values, sentences_schema(k, len(entries)), SentencesReply, max_tokens, purpose)
    if reply is None:
        return []
    pool = [Passage.of(e.unit.id, e.text) for e in entries]
    by_unit = {e.unit.id: e for e in entries}
    items = []
    for gen in reply.sentences[:k]:
        cited = []
        for n in gen.cites:
            if 1 <= n <= len(pool):
                cited.append(pool[n - 1])
            else:
                run.counters.out_of_range_cites += 1
        text = strip_tags(gen.text)
        kept = resolver.resolve(text, cited, pool)
        if kept is None:
            continue
        citations = []
        for p in kept:
            e = by_unit[p.key]
            citations += cite_unit(run.texts, e.unit, first=e.sentence)
        items.append(MapItem(Sentence(text=text, citations=dedupe_citations(citations)), kept))
    return items


def _round_robin(parts: list[list[MapItem]], k: int) -> list[MapItem]:
    out: list[MapItem] = []
    depth = 0
    while len(out) < k and any(depth < len(p) for p in parts):
        out += [p[depth] for p in parts if depth < len(p)][: k - len(out)]
        depth += 1
    order = {id(item): (i, j) for i, p in enumerate(parts) for j, item in enumerate(p)}
    return sorted(out, key=lambda item: order[id(item)])


def _extractive(run: RunContext, doc: Document, k: int, taken: set[int], words: Optional[int] = None) -> list[MapItem]:
    """The extractive backend's picks for this source (same focus; ``words`` of them, if given),
    minus units already summarized."""
    from ..extractive import pick_source_sentences

    sentences = pick_source_sentences(run.corpus, doc.id, run.extractive_vectors(), k, focus=run.extractive_focus(),
                                      words=words)
    unit_at = {(s.source_id, s.start): run.corpus.unit_of[(s.source_id, s.index)] for s in run.corpus.sentences[doc.id]}
    items = []
    for sent in sentences:
        unit = unit_at[(sent.citations[0].source_id, sent.citations[0].start)]
        if unit.id not in taken:
            items.append(MapItem(sent, [Passage.of(unit.id, sent.text)]))
    return items


def _top_up(run: RunContext, doc: Document, items: list[MapItem], k: int) -> list[MapItem]:
    """Fill a short (or empty) summary up to k with the extractive picks, counted as fallback.

    A weak model often returns one sentence (or none that survives checking); the user asked
    for k, and verified source sentences are better than a one-line or empty summary.
    """
    o = run.options
    words = per_source_words(o.words, o.per_source_sentences, o.consolidated_sentences)
    if words is not None:  # a length in words: the model's facts that fit it, then the picks
        items = [items[i] for i in fit_words([len(it.sentence.text.split()) for it in items], words)]
        missing = words - sum(len(it.sentence.text.split()) for it in items)
        if missing <= words * WORDS_TOLERANCE:
            return items
        taken = {p.key for item in items for p in item.passages}
        if not items:  # nothing from the model: the extractive summary of that length
            extra = _extractive(run, doc, k, taken, words)
        else:  # topped up from the picks for twice the length
            extra = _extractive(run, doc, k, taken, 2 * words)
            extra = [extra[i] for i in top_up([len(it.sentence.text.split()) for it in items],
                                              [len(it.sentence.text.split()) for it in extra], words)]
        run.counters.fallback_sentences += len(extra)
        return items + extra
    if len(items) >= k:
        return items
    taken = {p.key for item in items for p in item.passages}
    extra = _extractive(run, doc, k, taken)[: k - len(items)]
    run.counters.fallback_sentences += len(extra)
    return items + extra


async def _map_source(run: RunContext, template, doc: Document) -> list[MapItem]:
    entries = source_entries(run, doc.id)
    k = run.options.per_source_sentences
    items: list[MapItem] = []
    if entries:
        max_tokens = min(run.config.max_output_tokens, 80 * k + 60)
        fixed = run.budget.prompt_tokens(
            template.render(max_sentences=k, title=doc.title or doc.id, numbered="", example="",
                            focus=focus_line(run.options.focus)), sentences_schema(k, 9999)
        )
        # The example repeats a chunk's first passage: keep room for the longest one.
        example = max(run.budget.counter.count(example_reply(e.text)) for e in entries)
        room = run.budget.room(fixed + example, max_tokens)
        if room <= 0:
            raise ContextOverflow(f"the map prompt alone does not fit the model's context window ({run.chat.context_window})")
        groups = _split_to_fit(run, entries, room, doc)
        run.counters.map_chunks += len(groups)
        resolver: Resolver = Resolver(run.counters)  # one per source: dedup across its chunks
        parts = await asyncio.gather(*(
            _map_chunk(run, template, doc, g, k, max_tokens, resolver,
                       f"map:{doc.id}" + (f":{i + 1}/{len(groups)}" if len(groups) > 1 else ""))
            for i, g in enumerate(groups)
        ))
        items = _round_robin(list(parts), k)
    return _top_up(run, doc, items, k)


def _as_copy(items: list[MapItem], original: str, copy: str) -> list[MapItem]:
    """The summary of ``original`` as a summary of ``copy``, a document with the identical text:
    the same offsets hold in both, so citations of the original are re-pointed to the copy."""
    out = []
    for item in items:
        citations = [c.model_copy(update={"source_id": copy}) if c.source_id == original else c
                     for c in item.sentence.citations]
        out.append(MapItem(item.sentence.model_copy(update={"citations": dedupe_citations(citations)}),
                           item.passages))
    return out


async def map_sources(run: RunContext) -> dict[str, list[MapItem]]:
    """Map every distinct document text once (a copy of a document shares its summary)."""
    template = use_template(run, "map_source")
    docs = run.corpus.documents
    copies: dict[str, list[Document]] = {}
    for d in docs:
        copies.setdefault(d.text, []).append(d)
    distinct = [group[0] for group in copies.values()]
    done = 0

    async def one(doc: Document) -> list[MapItem]:
        nonlocal done
        items = await _map_source(run, template, doc)
        for d in copies[doc.text]:
            done += 1
            run.progress("map", {"source_id": d.id, "done": done, "total": len(docs)})
        return items

    results = dict(zip((d.id for d in distinct), await asyncio.gather(*(one(d) for d in distinct))))
    out = {}
    for d in docs:
        original = copies[d.text][0].id
        out[d.id] = results[original] if original == d.id else _as_copy(results[original], original, d.id)
    return out


__all__ = ["MapItem", "map_sources", "source_entries", "dedupe_citations"]
