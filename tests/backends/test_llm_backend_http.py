"""LLMBackend opened from settings, over real HTTP to the fake OpenAI-compatible server."""

from __future__ import annotations

import asyncio

import pytest

from summarizer.backends.llm.backend import LLMBackend
from summarizer.config.options import SummaryOptions
from summarizer.config.settings import Settings
from summarizer.errors import ConfigError, LLMUnavailable
from summarizer.pipeline import summarize
from summarizer.testing.fake_chat import FakeChatModel
from summarizer.testing.fake_openai import FakeOpenAIServer

from ..llm_helpers import LINE_RE, assert_valid, seed_docs


def handler(body: dict) -> dict:
    if "pairs of sentences" in body["messages"][0]["content"]:
        return {"conflicts": []}
    lines = LINE_RE.findall(body["messages"][-1]["content"])
    return {"sentences": [{"text": t, "cites": [int(n)]} for n, t in lines[:2]]}


def test_backend_opens_model_lazily_and_closes_it(tmp_path):
    docs = seed_docs()
    with FakeOpenAIServer(handler) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", data_dir=tmp_path)
        backend = LLMBackend(backend_name="openai", settings=settings, options=SummaryOptions())
        assert server.calls == 0

        async def go():
            await backend.check_ready()
            first = await summarize(docs, SummaryOptions(), settings, backend=backend)
            again = await summarize(docs, SummaryOptions(), settings, backend=backend)  # reply cache
            await backend.aclose()
            return first, again

        first, again = asyncio.run(go())
        calls = server.calls
    assert_valid(first, docs)
    assert first.stats.llm_calls == calls and first.stats.cache_hits == 0
    assert again.stats.llm_calls == 0 and again.stats.cache_hits == calls
    assert again.model_dump()["per_source"] == first.model_dump()["per_source"]


def test_openai_backend_without_endpoint_is_a_config_error(tmp_path):
    backend = LLMBackend(backend_name="openai", settings=Settings(base_url=None, data_dir=tmp_path))
    with pytest.raises(ConfigError):
        asyncio.run(backend.check_ready())


def test_check_ready_uses_ping():
    class Down(FakeChatModel):
        async def ping(self) -> None:
            raise LLMUnavailable("endpoint down")

    with pytest.raises(LLMUnavailable):
        asyncio.run(LLMBackend(Down(lambda r: {})).check_ready())
