"""CachedChatModel: a real SQLite file, a real HTTP server; hits cost no HTTP call."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3

import pytest

from summarizer.chat.openai_client import OpenAIChatModel
from summarizer.chat.protocol import ChatRequest
from summarizer.chat.reply_cache import CachedChatModel, cache_key
from summarizer.errors import CacheError, LLMUnavailable
from summarizer.testing.fake_chat import FakeChatModel
from summarizer.testing.fake_openai import FakeOpenAIServer, Fault


def req(text: str = "hello", **kw) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": text},), **kw)


def cached(server: FakeOpenAIServer, path, **kw) -> CachedChatModel:
    inner = OpenAIChatModel(server.base_url, "m", max_retries=1, sleep=lambda s: asyncio.sleep(0), **kw)
    return CachedChatModel(inner, path)


@pytest.fixture
def server():
    with FakeOpenAIServer(lambda b: f"echo {b['messages'][-1]['content']} t={b['temperature']}") as s:
        yield s


def test_second_identical_call_costs_no_http(server, tmp_path):
    async def go():
        model = cached(server, tmp_path / "c.sqlite3")
        try:
            first = await model.complete(req("a"))
            second = await model.complete(req("a"))
            return model, first, second
        finally:
            await model.aclose()

    model, first, second = asyncio.run(go())
    assert server.calls == 1
    assert not first.cached and second.cached
    assert second.content == first.content and second.prompt_tokens == first.prompt_tokens
    assert model.stats == {"hits": 1, "misses": 1}


def test_cache_persists_across_instances(server, tmp_path):
    path = tmp_path / "c.sqlite3"

    async def once():
        model = cached(server, path)
        try:
            return await model.complete(req("persist"))
        finally:
            await model.aclose()

    assert not asyncio.run(once()).cached
    assert asyncio.run(once()).cached
    assert server.calls == 1


@pytest.mark.parametrize("change", [
    {"max_tokens": 99}, {"temperature": 0.7}, {"schema": {"type": "object"}}, {"schema_name": "other"},
])
def test_any_parameter_changes_the_key(change):
    model = FakeChatModel(lambda r: "x")
    assert cache_key(model, req()) != cache_key(model, req(**change))
    assert cache_key(model, req()) == cache_key(model, req(purpose="just a tag"))
    assert cache_key(model, req()) != cache_key(FakeChatModel(lambda r: "x", model_name="other"), req())


def test_the_request_temperature_is_sent_and_keyed(server, tmp_path):
    """A chat model holds no temperature of its own: the request's is sent, and keys the cache."""
    async def go():
        model = cached(server, tmp_path / "c.sqlite3")
        try:
            return await model.complete(req(temperature=0.0)), await model.complete(req(temperature=0.9))
        finally:
            await model.aclose()

    ra, rb = asyncio.run(go())
    assert server.calls == 2 and not rb.cached and "t=0.9" in rb.content and "t=0.0" in ra.content


def test_concurrent_identical_requests_share_one_call(tmp_path):
    with FakeOpenAIServer(lambda b: "same", latency=0.1) as s:
        async def go():
            model = cached(s, tmp_path / "c.sqlite3")
            try:
                replies = await asyncio.gather(*(model.complete(req("q")) for _ in range(5)))
                return model, replies
            finally:
                await model.aclose()

        model, replies = asyncio.run(go())
        assert s.calls == 1
    assert sum(r.cached for r in replies) == 4 and model.hits == 4 and model.misses == 1


def test_errors_are_not_cached_and_propagate(server, tmp_path):
    server.script(Fault.SERVER_ERROR, Fault.SERVER_ERROR, Fault.EMPTY)

    async def go():
        model = cached(server, tmp_path / "c.sqlite3")
        try:
            with pytest.raises(LLMUnavailable):
                await model.complete(req("e"))
            empty = await model.complete(req("e"))
            full = await model.complete(req("e"))
            return empty, full
        finally:
            await model.aclose()

    empty, full = asyncio.run(go())
    assert empty.content == "" and not full.cached and full.content.startswith("echo e")
    assert server.calls == 4


def _child(path: str, base_url: str, text: str) -> None:
    async def go():
        inner = OpenAIChatModel(base_url, "m", max_retries=1)
        model = CachedChatModel(inner, path)
        try:
            await asyncio.gather(*(model.complete(req(f"{text}{i}")) for i in range(10)))
        finally:
            await model.aclose()

    asyncio.run(go())


def test_several_processes_share_the_file(server, tmp_path):
    path = tmp_path / "c.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_child, args=(str(path), server.base_url, t)) for t in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM replies").fetchone()[0] == 20
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unwritable_cache_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    with pytest.raises(CacheError, match="SUMMARIZER_NO_CACHE"):
        CachedChatModel(FakeChatModel(lambda r: "x"), blocker / "c.sqlite3")
