"""The pipeline opens the backend while it prepares the documents (the bundled model's server takes
seconds to start), and a preparation error wins over, and cancels, a slow opening."""

from __future__ import annotations

import asyncio

import pytest

from summarizer import Document, SummaryOptions, summarize
from summarizer.backends.base import Backend, Draft
from summarizer.errors import InputError

from .conftest import SEEDS


class Opening(Backend):
    name = "opening"

    def __init__(self, open_seconds: float) -> None:
        self.open_seconds = open_seconds
        self.events: list[str] = []

    def needs_opening(self) -> bool:
        return True

    async def open(self) -> None:
        self.events.append("open started")
        try:
            await asyncio.sleep(self.open_seconds)
        except asyncio.CancelledError:
            self.events.append("open cancelled")
            raise
        self.events.append("open done")

    async def summarize(self, corpus, options, progress) -> Draft:
        self.events.append("summarize")
        return Draft({sid: [] for sid in corpus.sentences}, [])


def progress_into(events: list[str]):
    def progress(stage: str, data: dict) -> None:
        events.append(f"progress {stage}")
    return progress


def test_backend_opens_before_the_documents_are_prepared():
    backend = Opening(open_seconds=0.05)
    documents = [Document(id=p.stem, text=p.read_text()) for p in sorted(SEEDS.glob("*"))[:2]]
    asyncio.run(summarize(documents, SummaryOptions(backend="extractive"), progress=progress_into(backend.events),
                          backend=backend))
    opened = backend.events.index("open started")
    prepared = [i for i, e in enumerate(backend.events) if e.startswith("progress") and e != "progress start"]
    assert prepared and opened < prepared[0]
    assert backend.events.index("open done") < backend.events.index("summarize")


def test_preparation_error_wins_and_cancels_the_opening():
    backend = Opening(open_seconds=60)
    with pytest.raises(InputError):
        asyncio.run(asyncio.wait_for(summarize([Document(id="a", text="   \n\n ")], backend=backend), 10))
    assert backend.events == ["open started", "open cancelled"]


class ClosingOpening(Opening):
    async def aclose(self) -> None:
        self.events.append("closed")


def test_cli_starts_the_backend_before_checking_options_and_reading():
    from summarizer import Settings
    from summarizer.cli import summarize as cli_summarize
    from summarizer.progress import no_progress

    backend = ClosingOpening(open_seconds=0.3)
    documents = [Document(id=p.stem, text=p.read_text()) for p in sorted(SEEDS.glob("*"))[:2]]

    def read():
        backend.events.append("read")
        return documents

    cli_summarize.run_summary(read, SummaryOptions(backend="extractive"), Settings(), no_progress, backend)
    events = backend.events
    assert events.index("open started") < events.index("read") < events.index("open done") < events.index("summarize")
    assert events[-1] == "closed"


def test_cli_refused_input_stops_the_opening_backend():
    from summarizer import Settings
    from summarizer.cli import summarize as cli_summarize
    from summarizer.progress import no_progress

    backend = ClosingOpening(open_seconds=60)

    def read():
        raise InputError("refused")

    with pytest.raises(InputError):
        cli_summarize.run_summary(read, SummaryOptions(backend="extractive"), Settings(), no_progress, backend)
    assert backend.events == ["open started", "open cancelled", "closed"]


def test_a_backend_with_nothing_to_open_is_not_waited_for():
    class Extractive(Opening):
        def needs_opening(self) -> bool:
            return False

    backend = Extractive(open_seconds=60)
    documents = [Document(id=p.stem, text=p.read_text()) for p in sorted(SEEDS.glob("*"))[:2]]
    asyncio.run(asyncio.wait_for(summarize(documents, backend=backend), 10))
    assert backend.events == ["summarize"]
