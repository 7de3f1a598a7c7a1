"""The map stage over the whole corpus: which calls to make, and each source's summary from them.

* Exact copies of a document are mapped once and share its summary (cited to each copy).
* A near-duplicate (``packing.near_duplicate_bases``) shows the model only its own passages and
  shares its base's facts that it states too, cited to its own text.
* Short documents (at most ``SHORT_CHUNKS`` x ``chunk_tokens`` shown) are packed several to one call: one set of
  instructions and one format example, sentence numbers global within the call, the reply's
  facts given to the article their numbers point into (numbers into another article dropped, so a
  source's summary cites only that source). A pack fits the token budget like any request; a
  pack whose reply stays unusable is mapped again one document per call.
* A longer document is mapped alone (``map_stage.map_alone``, cut into chunks if needed).

Every source's facts are then topped up to the asked length with the extractive picks.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Awaitable, Callable, Optional

from ...contract.documents import Document
from ...errors import ContextOverflow
from ...evidence.support import Resolver
from .common import use_template
from .context import RunContext
from .map_stage import (Entry, MapItem, as_copy, example_cost, header_cost, inherit, line_costs, map_alone,
                        map_call, map_room, source_entries, top_up_items)
from .packing import near_duplicate_bases, plan_packs

REPLY_PER_FACT = 50  # reply tokens one fact of a pack takes (text, cites, JSON), for the pack's size
SHORT_CHUNKS = 2  # a source of at most this many chunks' tokens (chunk_tokens) may share a call
PACK_CHUNKS = 4  # and a pack holds at most this many chunks' tokens of sources


async def map_sources(run: RunContext, scores: "Optional[asyncio.Future[None]]" = None) -> dict[str, list[MapItem]]:
    """Every source's checked, cited facts (``per_source_sentences`` of them, or ``words``). ``scores``: the
    extractive scores every top-up and the reduce's ordering read, if already being built (while calls wait)."""
    template = use_template(run, "map_source")
    k = run.options.per_source_sentences
    docs = run.corpus.documents
    copies: dict[str, list[Document]] = {}
    for d in docs:
        copies.setdefault(d.text, []).append(d)
    distinct = [group[0] for group in copies.values()]
    entries, bases, shown = _what_to_show(run, distinct)
    reported = itertools.count(1)

    def report(doc: Document) -> None:
        for d in copies[doc.text]:
            run.progress("map", {"source_id": d.id, "done": next(reported), "total": len(docs)})

    scores_ready = scores if scores is not None else asyncio.ensure_future(run.in_background(run.extractive_scores))
    final: dict[str, list[MapItem]] = {}
    own: dict[str, list[MapItem]] = {}  # a near-duplicate's own facts, until its base is final
    waiting: dict[str, list[Document]] = {}  # base id -> near-duplicates whose own facts are in

    def finish_near_duplicate(d: Document) -> None:
        items = own.pop(d.id)
        # The base's facts it states too, then (at least one of) its own: what sets it apart.
        items = (inherit(run, final[bases[d.id]], entries[d.id])[: k - min(1, len(items))] + items)[:k]
        final[d.id] = top_up_items(run, d, items, k)

    async def done(doc: Document, items: list[MapItem]) -> None:
        """A document's facts are in: finished at once (off the critical path), a near-duplicate
        as soon as its base is."""
        if shown[doc.id]:  # (the others are reported below)
            report(doc)
        if doc.id in bases:
            own[doc.id] = items
            if bases[doc.id] in final:
                finish_near_duplicate(doc)
            else:
                waiting.setdefault(bases[doc.id], []).append(doc)
            return
        await scores_ready
        await asyncio.sleep(0)  # one source at a time: other replies are noticed between
        final[doc.id] = top_up_items(run, doc, items, k)
        for d in waiting.pop(doc.id, []):
            finish_near_duplicate(d)

    try:
        await _map_shown(run, template, [d for d in distinct if shown[d.id]], shown, done)
    finally:
        run.first_sent.set()  # (no call made, or one failed before)
        await scores_ready
    for d in sorted(distinct, key=lambda d: d.id in bases):  # nothing shown (all junk, or all repeated)
        if d.id not in final:
            report(d)
            await done(d, [])
    out = {}
    for d in docs:
        original = copies[d.text][0].id
        out[d.id] = final[original] if original == d.id else as_copy(final[original], original, d.id)
    return out


def _what_to_show(run: RunContext, distinct: list[Document]) \
        -> tuple[dict[str, list[Entry]], dict[str, str], dict[str, list[Entry]]]:
    """Each document's content units, the near-duplicates' bases, and what the model sees of each
    document: all of it, or for a near-duplicate its own passages."""
    entries = {d.id: source_entries(run, d.id) for d in distinct}
    bases = near_duplicate_bases({d.id: [e.unit.id for e in entries[d.id]] for d in distinct})
    run.counters.near_duplicate_documents += len(bases)
    shown = {}
    for d in distinct:
        known = {e.unit.id for e in entries[bases[d.id]]} if d.id in bases else set()
        shown[d.id] = [e for e in entries[d.id] if e.unit.id not in known]
    return entries, bases, shown


async def _map_shown(run: RunContext, template, docs: list[Document], shown: dict[str, list[Entry]],
                     done: Callable[[Document, list[MapItem]], Awaitable[None]]) -> None:
    """The model's checked facts for each of ``docs`` (short ones packed, long ones alone), handed
    to ``done`` as each call's reply is checked."""
    k = run.options.per_source_sentences
    costs = {d.id: line_costs(run, shown[d.id]) for d in docs}
    short = [d for d in docs if sum(costs[d.id]) <= SHORT_CHUNKS * run.options.chunk_tokens]
    short_ids = {d.id for d in short}
    max_members = max(1, (run.config.max_output_tokens - 60) // (REPLY_PER_FACT * k))
    room = map_room(run, template, k, max_members)
    packs = plan_packs([sum(costs[d.id]) + header_cost(run, d) for d in short],
                       [min(room - example_cost(shown[d.id][0], costs[d.id][0]), PACK_CHUNKS * run.options.chunk_tokens)
                        for d in short], max_members)

    async def alone(doc: Document) -> None:
        await done(doc, await map_alone(run, template, doc, shown[doc.id], costs[doc.id]))

    async def pack(members: list[Document]) -> None:
        if len(members) == 1:
            return await alone(members[0])
        run.counters.map_chunks += 1
        run.counters.packed_documents += len(members)
        resolvers = {d.id: Resolver(run.counters) for d in members}
        try:
            got = await map_call(run, template, [(d, shown[d.id]) for d in members], k, resolvers,
                                 "map:" + "+".join(d.id for d in members))
        except ContextOverflow:  # estimated to fit, but the exact count did not: never sent
            got = None
        if got is None:  # one document per call, each with its own fallback
            run.counters.pack_fallbacks += 1
            await asyncio.gather(*(alone(d) for d in members))
            return
        for d in members:
            await done(d, got[d.id])

    # Calls are prepared (rendered, counted, their passages analysed) about one round ahead of a
    # slot, and beyond the first round only once that is on the wire: all at once, the preparing
    # would hold back the first requests' writing.
    limit = max(1, run.chat.max_concurrency)
    ahead = asyncio.Semaphore(2 * limit)

    async def in_turn(i: int, call: Callable[[Any], Awaitable[None]], arg: Any) -> None:
        async with ahead:
            if i >= limit:
                await run.first_sent.wait()
            await call(arg)

    work = [(pack, [short[i] for i in p]) for p in packs] + [(alone, d) for d in docs if d.id not in short_ids]
    calls = asyncio.gather(*(in_turn(i, call, arg) for i, (call, arg) in enumerate(work)))
    try:
        await asyncio.sleep(0)  # the first calls take their slots and start writing
        await run.chat.wait_sent()
    except BaseException:
        calls.cancel()
        raise
    run.first_sent.set()  # background work may start: the first round is on the wire
    await calls


__all__ = ["PACK_CHUNKS", "REPLY_PER_FACT", "SHORT_CHUNKS", "map_sources"]
