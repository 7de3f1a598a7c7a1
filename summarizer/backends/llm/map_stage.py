"""Map stage, one call: sources' content units numbered, checked facts per source.

The model sees one or more articles (``map_packs`` decides which share a call), each an
"Article n:" header and its content units numbered globally within the call (junk never shown, a
unit repeated in the source shown once), and answers {"sentences": [{"text", "cites": [numbers]}]}.
Each fact goes to the article its numbers point into and cites only that source. A source too
large for the context window is cut with ``chunking.chunk_source`` into chunks mapped
concurrently; the chunks' sentences are combined round-robin (so every part of a long article is
represented) up to ``per_source_sentences``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from ...contract.documents import Document
from ...contract.result import Citation, Sentence
from ...errors import ContextOverflow
from ...evidence.analysis import analyse
from ...evidence.citations import cite_unit
from ...evidence.support import Passage, Resolver
from ...prepare.spans import SourceSentence, Unit
from ..arrange import WORDS_TOLERANCE, fit_words, per_source_words, top_up
from .chunking import chunk_source
from .common import SentencesReply, call, example_reply, focus_line, sentences_schema, strip_tags
from .context import RunContext

_LINE_OVERHEAD = 4  # "[123] " prefix and newline, on top of the sentence's own tokens
_EXAMPLE_WRAP = 16  # {"sentences": [{"text": "", "cites": [1]}]} around the example's text


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


def _header(article: int, doc: Document, entries: list[Entry]) -> str:
    """"Article 2: title", or "Article 2:" when there is no title (an id such as
    "0001_769ba762fef1" tells the model nothing) or the title is the article's first sentence
    anyway (a title taken from the first line would be sent twice)."""
    title = doc.title
    return f"Article {article}:" if not title or (entries and " ".join(title.split()) in entries[0].text) \
        else f"Article {article}: {title}"


def _numbered(members: "list[tuple[Document, list[Entry]]]") -> str:
    """The articles of one call, numbered globally: each header, then its "[n] sentence"s."""
    blocks, n = [], 0
    for a, (doc, entries) in enumerate(members, 1):
        lines = [_header(a, doc, entries)]
        for e in entries:
            n += 1
            lines.append(f"[{n}] {e.text}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _split_to_fit(run: RunContext, entries: list[Entry], cost: list[int], room: int,
                  doc: Document) -> list[list[Entry]]:
    """Chunks of entries whose numbered lines fit in ``room`` tokens (chunking.chunk_source first)."""
    counter = run.budget.counter
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


def _article_of(cites: list[int], owner: list[int]) -> Optional[int]:
    """The article a generated sentence is about: the one most of its valid numbers point into
    (the first such on a tie)."""
    votes = Counter(owner[n - 1] for n in cites if 1 <= n <= len(owner))
    return votes.most_common(1)[0][0] if votes else None


async def map_call(run: RunContext, template, members: "list[tuple[Document, list[Entry]]]", k: int,
                    resolvers: dict[str, Resolver], purpose: str) -> Optional[dict[str, list[MapItem]]]:
    """One map call over one or more articles; each document's checked facts (at most ``k``),
    citing only its own text, or None when the reply stays unusable."""
    flat = [(a, e) for a, (_, entries) in enumerate(members) for e in entries]
    max_tokens = _reply_tokens(run, k, len(members))
    values = {"max_sentences": k, "articles": _numbered(members), "example": example_reply(flat[0][1].text),
              "focus": focus_line(run.options.focus)}
    pools_ready = asyncio.ensure_future(_pools(run, members))
    try:
        reply = await call(run, template, values, sentences_schema(k * len(members), len(flat)), SentencesReply,
                           max_tokens, purpose)
    except BaseException:
        pools_ready.cancel()
        raise
    if reply is None:
        pools_ready.cancel()
        return None
    owner = [a for a, _ in flat]
    pools = await pools_ready
    out: dict[str, list[MapItem]] = {doc.id: [] for doc, _ in members}
    for gen in reply.sentences[: k * len(members)]:
        a = _article_of(gen.cites, owner) if len(members) > 1 else 0
        if a is None:  # no number inside the call: no article to give it to
            run.counters.out_of_range_cites += len(gen.cites)
            continue
        doc, entries = members[a]
        if len(out[doc.id]) >= k:
            continue
        first = sum(len(m[1]) for m in members[:a])
        cited = []
        for n in gen.cites:
            if first < n <= first + len(entries):
                cited.append(pools[a][n - 1 - first])
            elif 1 <= n <= len(flat):
                run.counters.cross_article_cites += 1
            else:
                run.counters.out_of_range_cites += 1
        text = strip_tags(gen.text)
        await asyncio.sleep(0)  # one fact checked at a time: other replies are noticed between
        kept = resolvers[doc.id].resolve(text, cited, pools[a])
        if kept is not None:
            out[doc.id].append(_item(run, text, kept, entries))
    return out


async def _pools(run: RunContext, members: "list[tuple[Document, list[Entry]]]") -> list[list[Passage[int]]]:
    """Each article's passages for the support check, analysed (``analyse`` keeps them) while the
    call waits for its reply: the checks after the last reply are on the run's critical path.
    Not before the requests being sent are on the wire (this call's own among them)."""
    await run.first_sent.wait()
    await run.chat.wait_sent()
    pools = []
    for _, entries in members:
        pool = []
        for e in entries:
            await asyncio.sleep(0)  # one passage at a time: replies and sends keep flowing
            pool.append(Passage.of(e.unit.id, e.text))
            analyse(pool[-1].text)
        pools.append(pool)
    return pools


def _item(run: RunContext, text: str, kept: list[Passage[int]], entries: list[Entry]) -> MapItem:
    by_unit = {e.unit.id: e for e in entries}
    citations = []
    for p in kept:
        e = by_unit[p.key]
        citations += cite_unit(run.texts, e.unit, first=e.sentence)
    return MapItem(Sentence(text=text, citations=dedupe_citations(citations)), kept)


def _reply_tokens(run: RunContext, k: int, articles: int) -> int:
    return min(run.config.max_output_tokens, 80 * k * articles + 60)


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


def top_up_items(run: RunContext, doc: Document, items: list[MapItem], k: int) -> list[MapItem]:
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


def map_room(run: RunContext, template, k: int, articles: int) -> int:
    """Prompt tokens left for the articles' lines and the format example of a call over
    ``articles`` documents, once the instructions, the schema and the reply are counted."""
    fixed = run.budget.prompt_tokens(
        template.render(max_sentences=k, articles="", example="", focus=focus_line(run.options.focus)),
        sentences_schema(k * articles, 9999))
    return run.budget.room(fixed, _reply_tokens(run, k, articles))


def example_cost(entry: Entry, line_cost: int) -> int:
    """An upper bound on the tokens of the format example built from ``entry`` (its text, the
    JSON around it, and one token per character JSON escapes), without counting it again."""
    return line_cost + _EXAMPLE_WRAP + entry.text.count('"') + entry.text.count("\\")


def header_cost(run: RunContext, doc: Document, article: int = 99) -> int:
    return run.budget.counter.count(f"Article {article}: {doc.title or doc.id}") + 2


def line_costs(run: RunContext, entries: list[Entry]) -> list[int]:
    """Tokens of each entry's numbered line (a global number takes at most _LINE_OVERHEAD more)."""
    return [run.budget.counter.count(e.text) + _LINE_OVERHEAD for e in entries]


async def map_alone(run: RunContext, template, doc: Document, entries: list[Entry], costs: list[int]) -> list[MapItem]:
    """The checked facts of one document mapped in calls of its own (cut into chunks mapped
    concurrently when it does not fit one call); the chunks' facts taken round-robin."""
    k = run.options.per_source_sentences
    example = max(example_cost(e, c) for e, c in zip(entries, costs))
    room = map_room(run, template, k, 1) - example - header_cost(run, doc, 1)
    if room <= 0:
        raise ContextOverflow(f"the map prompt alone does not fit the model's context window ({run.chat.context_window})")
    groups = _split_to_fit(run, entries, costs, room, doc)
    run.counters.map_chunks += len(groups)
    resolvers = {doc.id: Resolver(run.counters)}  # one per source: dedup across its chunks
    parts = await asyncio.gather(*(
        map_call(run, template, [(doc, g)], k, resolvers,
                 f"map:{doc.id}" + (f":{i + 1}/{len(groups)}" if len(groups) > 1 else ""))
        for i, g in enumerate(groups)
    ))
    return _round_robin([p[doc.id] if p is not None else [] for p in parts], k)


def inherit(run: RunContext, items: list[MapItem], entries: list[Entry]) -> list[MapItem]:
    """The facts of a document's near-duplicate base that this document states too (every cited
    passage is one of its own units), cited to its own occurrences."""
    mine = {e.unit.id: e for e in entries}
    out = []
    for item in items:
        if item.passages and all(p.key in mine for p in item.passages):
            citations = [c for p in item.passages
                         for c in cite_unit(run.texts, mine[p.key].unit, first=mine[p.key].sentence)]
            out.append(MapItem(item.sentence.model_copy(update={"citations": dedupe_citations(citations)}),
                               item.passages))
    return out


def as_copy(items: list[MapItem], original: str, copy: str) -> list[MapItem]:
    """The summary of ``original`` as a summary of ``copy``, a document with the identical text:
    the same offsets hold in both, so citations of the original are re-pointed to the copy."""
    out = []
    for item in items:
        citations = [c.model_copy(update={"source_id": copy}) if c.source_id == original else c
                     for c in item.sentence.citations]
        out.append(MapItem(item.sentence.model_copy(update={"citations": dedupe_citations(citations)}),
                           item.passages))
    return out


__all__ = ["Entry", "MapItem", "as_copy", "dedupe_citations", "example_cost", "header_cost", "inherit",
           "line_costs", "map_alone", "map_call", "map_room", "source_entries", "top_up_items"]
