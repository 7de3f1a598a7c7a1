"""``cache info|clear`` on a cache filled by the real ``CachedChatModel``."""

from __future__ import annotations

import asyncio

import pytest

from summarizer.chat.cache_admin import cache_info, clear_cache
from summarizer.chat.protocol import ChatRequest
from summarizer.chat.reply_cache import CachedChatModel
from summarizer.errors import CacheError
from summarizer.testing.fake_chat import FakeChatModel


def fill(path, model_name: str, n: int) -> None:
    async def go():
        cache = CachedChatModel(FakeChatModel(lambda r: "reply " + r.messages[-1]["content"], model_name), path)
        for i in range(n):
            await cache.complete(ChatRequest(messages=({"role": "user", "content": f"q{i}"},), max_tokens=8))
        await cache.aclose()

    asyncio.run(go())


def test_info_counts_entries_per_model_and_clear_empties(tmp_path):
    path = tmp_path / "cache.sqlite3"
    assert not cache_info(path).exists and clear_cache(path) == 0 and not path.exists()
    fill(path, "a", 3)
    fill(path, "b", 2)
    info = cache_info(path)
    assert info.exists and info.entries == 5 and info.by_model == {"a": 3, "b": 2}
    assert info.size_bytes > 0 and info.oldest <= info.newest
    assert clear_cache(path, model="b") == 2
    assert cache_info(path).by_model == {"a": 3}
    assert clear_cache(path) == 3
    assert cache_info(path).entries == 0


def test_a_file_that_is_not_a_cache(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, not a database" * 100)
    with pytest.raises(CacheError, match="is not an LLM reply cache"):
        cache_info(path)
