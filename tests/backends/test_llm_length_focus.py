"""The LLM backend with options.focus and options.words (issue 17): the focus reaches the map and
reduce prompts, the length is honoured through the extractive selection (fit, then fill), and a
model that returns nothing gets the extractive picks in the extractive order."""

from __future__ import annotations

from summarizer.backends.extractive import ExtractiveBackend
from summarizer.config.options import SummaryOptions
from summarizer.prepare.corpus import prepare
from summarizer.progress import no_progress
from summarizer.testing.fake_chat import FakeChatModel

from ..llm_helpers import assert_valid, kind, run, seed_docs
from .test_llm_backend import echo_handler

FOCUS = "Did Russian troops withdraw to the border?"


def test_the_focus_is_in_the_map_and_reduce_prompts():
    seen: list[tuple[str, str]] = []

    def handler(request):
        seen.append((kind(request), request.messages[0]["content"]))
        return echo_handler(request)

    result = run(seed_docs(), FakeChatModel(handler), SummaryOptions(focus=FOCUS))
    assert_valid(result, seed_docs())
    prompts_with_focus = {k for k, system in seen if FOCUS in system}
    assert {"map", "reduce"} <= prompts_with_focus


def test_words_are_honoured_by_fitting_and_filling():
    for words in (60, 150, 300):
        result = run(seed_docs(), FakeChatModel(echo_handler), SummaryOptions(words=words))
        assert_valid(result, seed_docs())
        got = sum(len(s.text.split()) for s in result.consolidated)
        assert words * 0.9 <= got <= words * 1.1, (words, got)


def test_a_silent_model_gets_the_extractive_summary():
    def silent(request):
        return {"conflicts": []} if kind(request) == "conflicts" else {"sentences": []}

    docs = seed_docs()
    options = SummaryOptions(focus=FOCUS, consolidated_sentences=5, find_conflicts=False)
    result = run(docs, FakeChatModel(silent), options)
    extractive = ExtractiveBackend().summarize_sync(prepare(docs), options, no_progress)
    assert [s.text for s in result.consolidated] == [s.text for s in extractive.consolidated]


def test_a_silent_model_still_gets_the_length_asked():
    def silent(request):
        return {"conflicts": []} if kind(request) == "conflicts" else {"sentences": []}

    for words in (80, 150, 260):
        result = run(seed_docs(), FakeChatModel(silent), SummaryOptions(words=words, focus=FOCUS))
        got = sum(len(s.text.split()) for s in result.consolidated)
        assert words * 0.9 <= got <= words * 1.1, (words, got)
