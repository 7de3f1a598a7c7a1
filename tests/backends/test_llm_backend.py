"""LLM backend against FakeChatModel: weak-model replies never produce an unverified citation."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from summarizer.backends import create
from summarizer.backends.llm import prompts
from summarizer.backends.llm.backend import LLMBackend
from summarizer.chat.budget import Budget
from summarizer.chat.protocol import ChatReply
from summarizer.config.options import SummaryOptions
from summarizer.config.settings import Settings
from summarizer.contract.documents import Document
from summarizer.errors import ContextOverflow
from summarizer.prepare.corpus import prepare
from summarizer.prepare.tokens import get_counter
from summarizer.testing.fake_chat import FakeChatModel

from ..llm_helpers import LINE_RE, articles, assert_valid, kind, numbered_lines, run, seed_docs


def disagreeing_docs() -> list[Document]:
    """Two reports that give different figures for the same thing (worth a conflicts call)."""
    return [
        Document("toll-a", "The confirmed death toll from the tsunami passed 121,000 on Friday, the agency said. "
                 "Aid flights landed at the airport."),
        Document("toll-b", "The confirmed death toll from the tsunami passed 150,000, the agency said. "
                 "Rescue teams searched the coast."),
    ]


def echo_handler(request):
    """A well-behaved model: copies as many passages as asked for, verbatim, citing them correctly."""
    if kind(request) == "conflicts":
        return {"conflicts": []}
    k = int(re.search(r"at most (\d+)", request.messages[0]["content"]).group(1))
    if kind(request) != "map":
        return {"sentences": [{"text": t, "cites": [n]} for n, t in numbered_lines(request)[:k]]}
    return {"sentences": [{"text": t, "cites": [n]} for _, lines in articles(request) for n, t in lines[:k]]}


def test_correct_replies_cite_the_passage_they_copy():
    docs = seed_docs()
    model = FakeChatModel(echo_handler)
    result = run(docs, model)
    assert_valid(result, docs)
    for ps in result.per_source:
        for s in ps.summary:
            assert s.citations[0].source_id == ps.source_id
            assert " ".join(s.citations[0].text.split()) == s.text
    assert result.stats.fallback_sentences == 0
    assert result.stats.llm_calls == model.calls


def test_wrong_numbers_are_repointed_to_the_supporting_passage():
    docs = seed_docs()

    def handler(request):
        if kind(request) != "map":
            return echo_handler(request)
        # Per article: the text of its passage 3, cited as its passage 1 (wrong) and 999 (out of range).
        return {"sentences": [{"text": lines[2][1], "cites": [lines[0][0], 999]} for _, lines in articles(request)]}

    result = run(docs, FakeChatModel(handler))
    assert_valid(result, docs)
    assert result.stats.out_of_range_cites >= len(docs)
    assert result.stats.repointed_citations >= 1
    for ps in result.per_source:
        s = ps.summary[0]
        assert any(" ".join(c.text.split()) == s.text for c in s.citations)


def test_made_up_quotes_filler_and_unsupported_figures_are_dropped():
    docs = seed_docs()

    def handler(request):
        if kind(request) != "map":
            return echo_handler(request)
        out = []
        for _, lines in articles(request):
            n, text = lines[0]
            source_id = next(d.id for d in docs if text in " ".join(d.text.split()))
            out += [
                {"text": text + " “Bananas will rule the whole planet soon,” he said.", "cites": [n]},
                {"text": "The article is interesting.", "cites": [n]},
                {"text": text + " 123456 people were there.", "cites": [n]},
            ] if source_id.endswith("0") else [
                {"text": "Completely unrelated zebras dance elegantly tonight.", "cites": [n]},
                {"text": "The article discusses important information.", "cites": [n]},
            ]
        return {"sentences": out}

    result = run(docs, FakeChatModel(handler))
    assert_valid(result, docs)
    stats = result.stats
    odd = [d for d in docs if d.id.endswith("0")]  # sources whose article gets the first reply
    assert stats.made_up_quotes == len(odd)
    assert stats.unsupported_numbers == len(odd)
    assert stats.filler_sentences == len(docs)
    assert stats.unsupported_sentences == len(docs) - len(odd)
    assert stats.fallback_sentences > 0  # nothing survived: extractive pick, counted
    texts = [s.text for _, s in result.all_sentences()]
    assert not any("Bananas" in t or "zebras" in t or "123456" in t for t in texts)


def test_junk_is_never_shown_or_cited():
    docs = seed_docs()
    corpus = prepare(docs)
    shown: list[str] = []

    def handler(request):
        shown.append(request.messages[-1]["content"])
        return echo_handler(request)

    result = run(docs, FakeChatModel(handler))
    junk = {(sid, j.start, j.end) for sid, js in corpus.junk.items() for j in js}
    texts = {d.id: d.text for d in docs}
    for label, sentence in result.all_sentences():
        if label.startswith("conflicts"):
            continue  # page-date conflicts cite page-date lines by contract
        for c in sentence.citations:
            for sid, a, b in junk:
                assert not (sid == c.source_id and a < c.end and c.start < b), (label, c.text)
    content = {" ".join(texts[s.source_id][s.start : s.end].split())
               for ss in corpus.sentences.values() for s in ss if s.junk is None}
    for sid, js in corpus.junk.items():
        for j in js:
            line = " ".join(texts[sid][j.start : j.end].split())
            if line not in content:  # a junk copy of a content line may show as that content line
                assert not any(f"] {line}\n" in p + "\n" for p in shown), line


@pytest.mark.parametrize("reply", [{"sentences": []}, "", "not json at all", {"wrong": 1}])
def test_empty_or_broken_replies_fall_back_to_extractive(reply):
    docs = seed_docs()
    model = FakeChatModel(lambda request: reply)
    result = run(docs, model)
    assert_valid(result, docs)
    assert result.stats.fallback_sentences >= len(docs)
    if reply != {"sentences": []} and reply != {"wrong": 1}:
        assert result.stats.failed_replies >= len(docs)


def test_hierarchical_reduce_and_chunking_keep_every_request_in_the_window():
    docs = seed_docs()
    window = 1100
    model = FakeChatModel(echo_handler, context_window=window)
    options = SummaryOptions(per_source_sentences=3, consolidated_sentences=2, chunk_tokens=200, chunk_overlap=20)
    result = run(docs, model, options)
    assert_valid(result, docs)
    assert result.stats.reduce_levels >= 2
    assert result.stats.map_chunks > len(docs)
    budget = Budget(get_counter(options.encoding), window)
    for request in model.requests:
        assert budget.estimate(budget.prompt_tokens(request.messages, request.schema), request.max_tokens) <= window


def test_context_too_small_raises_context_overflow():
    with pytest.raises(ContextOverflow):
        run(seed_docs(), FakeChatModel(echo_handler, context_window=300))


def test_map_calls_run_concurrently_and_one_backend_serves_concurrent_runs():
    docs = seed_docs()
    state = {"now": 0, "max": 0}

    async def handler(request):
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.01)
        state["now"] -= 1
        return echo_handler(request)

    model = FakeChatModel(handler)
    backend = LLMBackend(model, backend_name="fake")

    async def both():
        from summarizer.pipeline import summarize

        return await asyncio.gather(
            summarize(docs, SummaryOptions(), None, lambda s, i: None, backend=backend),
            summarize(docs[:2], SummaryOptions(find_conflicts=False), None, lambda s, i: None, backend=backend),
        )

    big, small = asyncio.run(both())
    assert state["max"] >= max(2, big.stats.map_chunks)
    assert big.stats.llm_calls + small.stats.llm_calls == model.calls
    assert small.stats.llm_calls == small.stats.map_chunks + 1  # maps + 1 reduce: no state leaked from the other run
    assert_valid(big, docs)
    assert_valid(small, docs[:2])


def test_stats_progress_and_prompt_hashes():
    docs = seed_docs() + disagreeing_docs()
    events: list = []

    def handler(request):
        out = echo_handler(request)
        return ChatReply(json.dumps(out), prompt_tokens=10, completion_tokens=3, cached=kind(request) == "reduce",
                         structured_mode="json_schema")

    result = run(docs, FakeChatModel(handler), events=events)
    stats = result.stats.model_dump()
    assert stats["prompts"]["map_source.v4"] == prompts.load("map_source").sha256
    assert set(stats["prompts"]) == {"map_source.v4", "reduce.v4", "conflicts.v1"}
    assert stats["cache_hits"] == 1
    assert 1 < stats["map_chunks"] < len(docs)  # short sources packed several to a call
    assert stats["llm_calls"] == stats["map_chunks"] + 1  # maps + conflicts; the reduce came from cache
    assert stats["prompt_tokens"] == 10 * (stats["map_chunks"] + 2)
    assert stats["structured_mode"] == "json_schema"
    assert set(stats["stage_seconds"]) == {"map", "reduce", "conflicts"}
    maps = [info for stage, info in events if stage == "map"]
    assert sorted(i["done"] for i in maps) == list(range(1, len(docs) + 1))
    assert {i["source_id"] for i in maps} == {d.id for d in docs}
    assert any(stage == "reduce" for stage, _ in events) and any(stage == "conflicts" for stage, _ in events)


def test_consolidated_cites_every_source_stating_the_fact():
    a = "The bridge over the river Wensum reopened on Tuesday after repairs costing four million pounds."
    docs = [
        Document("a", a + " Traffic was light in the morning."),
        Document("b", "Officials said the bridge over the river Wensum reopened on Tuesday after repairs that cost "
                 "four million pounds. "
                 "Cyclists welcomed the news."),
        Document("c", "Local shops hope for more customers. " + a),
        # Without the figure, d does not state the sentence: not cited (the lexical rule once did).
        Document("d", "The bridge over the river Wensum reopened on Tuesday after costly repairs. "
                 "Anglers were pleased."),
    ]
    result = run(docs, FakeChatModel(echo_handler), SummaryOptions(per_source_sentences=1, find_conflicts=False))
    assert_valid(result, docs)
    bridge = [s for s in result.consolidated if "four million" in s.text]
    assert bridge and {c.source_id for c in bridge[0].citations} == {"a", "b", "c"}
    # b states it in other words: cited because its passage supports the sentence (the assembly's
    # attribution, the grounding engine), and counted.
    assert result.stats.model_dump()["attributed_citations"] >= 1


def test_every_run_counter_reaches_the_result_stats():
    """Stats are derived from the typed counters: none can be left out of ``result.stats``."""
    import dataclasses

    from summarizer.backends.llm.context import RunCounters

    result = run(seed_docs(), FakeChatModel(echo_handler))
    stats = result.stats.model_dump()
    missing = [f.name for f in dataclasses.fields(RunCounters) if f.name not in stats]
    assert missing == []


def test_conflicts_cite_two_sources_and_flag_the_other_period():
    docs = seed_docs() + disagreeing_docs()

    def handler(request):
        if kind(request) == "conflicts":
            return {"conflicts": [{"pair": 1, "text": "Bananas."}, {"pair": 77, "text": "x"}]}
        return echo_handler(request)

    result = run(docs, FakeChatModel(handler))
    assert_valid(result, docs)
    assert all(len({c.source_id for c in s.citations}) >= 2 for s in result.conflicts)
    assert any(s.text.startswith("002_") and "different period" in s.text for s in result.conflicts)
    assert any("Page dates" in s.text for s in result.conflicts)
    assert result.stats.dropped_conflicts >= 1


def test_no_conflicts_call_when_no_pair_might_disagree():
    """The seeds' similar pairs only add a date to what the other says ("began in early May, like
    the late March battle" / "in late March"): nothing to ask, so no call; the deterministic
    conflicts are still found."""
    docs = seed_docs()
    model = FakeChatModel(echo_handler)
    result = run(docs, model)
    assert not [r for r in model.requests if kind(r) == "conflicts"]
    assert result.stats.conflict_candidates == 0
    assert any("Page dates" in s.text for s in result.conflicts)
    model = FakeChatModel(echo_handler)
    run(disagreeing_docs(), model)
    asked = [r for r in model.requests if kind(r) == "conflicts"]
    assert len(asked) == 1 and "121,000" in asked[0].messages[-1]["content"]


def test_worth_asking_needs_a_figure_or_date_on_each_side():
    from summarizer.backends.llm.conflicts_stage import worth_asking

    assert worth_asking({"121000"}, {"150000"})
    assert worth_asking({"May", "7"}, {"March", "7"})
    assert not worth_asking({"May", "March"}, {"March"})  # one only says more
    assert not worth_asking({"24"}, {"24", "February"})
    assert not worth_asking({"24"}, {"24"})


def test_registered_backends_open_lazily():
    backend = create("local", Settings(), SummaryOptions())
    assert isinstance(backend, LLMBackend) and backend.name == "local"
    asyncio.run(backend.aclose())  # nothing opened, nothing to close


def test_short_replies_are_topped_up_with_extractive_picks():
    docs = seed_docs()

    def handler(request):
        if kind(request) == "conflicts":
            return {"conflicts": []}
        # One fact per article (or one for the reduce), what SmolLM2 tends to do.
        groups = [lines for _, lines in articles(request)] if kind(request) == "map" else [numbered_lines(request)]
        return {"sentences": [{"text": lines[0][1], "cites": [lines[0][0]]} for lines in groups]}

    result = run(docs, FakeChatModel(handler), SummaryOptions(per_source_sentences=3, consolidated_sentences=4))
    assert_valid(result, docs)
    assert all(len(ps.summary) == 3 for ps in result.per_source)
    assert len(result.consolidated) == 4
    assert result.stats.fallback_sentences == 2 * len(docs) + 3
    for ps in result.per_source:  # the model's own sentence stays first, no passage twice
        spans = [(c.source_id, c.start) for s in ps.summary for c in s.citations]
        assert len(spans) == len(set(spans))


def test_exact_duplicate_documents_are_mapped_once_and_cite_their_own_text():
    docs = seed_docs()[:2]
    copy = Document("copy_of_" + docs[0].id, docs[0].text, "another title")
    docs = docs + [copy]
    model = FakeChatModel(echo_handler)
    result = run(docs, model, SummaryOptions(find_conflicts=False))
    assert_valid(result, docs)
    maps = [r for r in model.requests if kind(r) == "map"]
    assert len(maps) == 1 and len(articles(maps[0])) == 2  # the copy shares its original's article
    by_id = {ps.source_id: ps.summary for ps in result.per_source}
    assert [s.text for s in by_id[copy.id]] == [s.text for s in by_id[docs[0].id]]
    for s in by_id[copy.id]:
        assert any(c.source_id == copy.id for c in s.citations)
    # The reduce shows each fact once, not once per copy.
    reduce_prompt = next(r for r in model.requests if kind(r) == "reduce").messages[-1]["content"]
    first = by_id[docs[0].id][0].text
    assert sum(text == first for _, text in LINE_RE.findall(reduce_prompt)) == 1

