"""Shared helpers for the LLM backend tests: seed documents, prompt parsing, running the pipeline."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Optional

from summarizer.backends.llm.backend import LLMBackend
from summarizer.config.options import SummaryOptions
from summarizer.contract.documents import Document
from summarizer.contract.result import SummaryResult
from summarizer.evidence.citations import check_result
from summarizer.io.ingest import load_documents
from summarizer.pipeline import summarize
from summarizer.testing.fake_chat import FakeChatModel

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LINE_RE = re.compile(r"^\[(\d+)\] (?:\((?:S\d+(?:, )?)+\) )?(.*)$", re.M)


def seed_docs() -> list[Document]:
    return load_documents([str(SEEDS)])


def numbered_lines(request) -> list[tuple[int, str]]:
    """The numbered passages of a map/reduce prompt, as (number, text)."""
    return [(int(n), t) for n, t in LINE_RE.findall(request.messages[-1]["content"])]


ARTICLE_RE = re.compile(r"^Article \d+:[ ]?(.*)$", re.M)


def articles(request) -> list[tuple[str, list[tuple[int, str]]]]:
    """The articles of a map prompt (a pack holds several), as (title, or "" when the title is the
    first sentence; numbered passages)."""
    parts = ARTICLE_RE.split(request.messages[-1]["content"])
    return [(parts[i], [(int(n), t) for n, t in LINE_RE.findall(parts[i + 1])]) for i in range(1, len(parts), 2)]


def kind(request) -> str:
    return request.purpose.split(":")[0]


def run(docs: list[Document], model: FakeChatModel, options: Optional[SummaryOptions] = None,
        events: Optional[list] = None) -> SummaryResult:
    backend = LLMBackend(model, backend_name="fake")
    sink = (lambda stage, info: events.append((stage, info))) if events is not None else (lambda s, i: None)
    return asyncio.run(summarize(docs, options or SummaryOptions(), None, sink, backend=backend))


def assert_valid(result: SummaryResult, docs: list[Document]) -> None:
    texts = {d.id: d.text for d in docs}
    assert check_result(result, texts) == []
    for _, sentence in result.all_sentences():
        assert sentence.citations
    for ps in result.per_source:
        assert ps.summary, f"empty summary for {ps.source_id}"
    assert result.consolidated
