"""Readiness: ``ChatModel.ping`` really contacts the endpoint, cached, translated into the error tree;
the cache wrapper and the base class declare it, so nobody probes for it with getattr."""

from __future__ import annotations

import asyncio
import socket

import pytest

from summarizer.chat.openai_client import OpenAIChatModel
from summarizer.chat.readiness import PING_CACHE_SECONDS
from summarizer.chat.protocol import ChatModel, ChatReply, ChatRequest
from summarizer.chat.reply_cache import CachedChatModel
from summarizer.errors import LLMAuthError, LLMUnavailable
from summarizer.testing.fake_chat import FakeChatModel
from summarizer.testing.fake_openai import FakeOpenAIServer

KEY = "sk-test-very-secret-0123456789"


def dead_url() -> str:
    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


async def ping_once(model: ChatModel) -> LLMUnavailable | None:
    try:
        await model.ping()
    except LLMUnavailable as exc:
        return exc
    return None


async def ping_n(model: ChatModel, n: int = 1) -> list[LLMUnavailable | None]:
    """Ping ``n`` times, then close the model; the outcomes, None for "ready"."""
    try:
        return [await ping_once(model) for _ in range(n)]
    finally:
        await model.aclose()


def test_ping_asks_the_endpoint_once_per_cache_period():
    with FakeOpenAIServer() as server:
        assert asyncio.run(ping_n(OpenAIChatModel(server.base_url, "m"), 5)) == [None] * 5
        assert server.model_list_calls == 1  # readiness polling does not hammer the endpoint
        assert server.calls == 0  # and costs no completion
    assert PING_CACHE_SECONDS >= 1


def test_ping_without_cache_asks_every_time():
    with FakeOpenAIServer() as server:
        model = OpenAIChatModel(server.base_url, "m")
        model.ping_check.seconds = 0
        asyncio.run(ping_n(model, 3))
        assert server.model_list_calls == 3


def test_dead_port_is_unavailable_and_names_the_endpoint():
    url = dead_url()
    [error] = asyncio.run(ping_n(OpenAIChatModel(url, "m")))
    assert isinstance(error, LLMUnavailable)
    assert f"LLM endpoint {url} is not reachable" in str(error) and "ConnectError" in str(error)


def test_failure_is_cached_too_then_recovery_is_seen():
    url = dead_url()
    model = OpenAIChatModel(url, "m")

    async def go():
        first = await ping_once(model)
        second = await ping_once(model)
        model.ping_check.seconds = 0
        third = await ping_once(model)
        await model.aclose()
        return first, second, third

    first, second, third = asyncio.run(go())
    assert isinstance(first, LLMUnavailable) and second is first  # the cached outcome
    assert isinstance(third, LLMUnavailable) and third is not first  # asked again


def test_wrong_key_is_an_auth_error_without_the_key():
    with FakeOpenAIServer(api_key="right") as server:
        model = OpenAIChatModel(server.base_url, "m", KEY)

        async def go():
            try:
                await model.ping()
            finally:
                await model.aclose()

        with pytest.raises(LLMAuthError) as caught:
            asyncio.run(go())
    assert "HTTP 401" in str(caught.value) and KEY not in str(caught.value)


def test_wrong_path_says_to_check_the_base_url():
    with FakeOpenAIServer() as server:
        [error] = asyncio.run(ping_n(OpenAIChatModel(server.base_url[: -len("/v1")], "m")))
    assert isinstance(error, LLMUnavailable)
    assert "HTTP 404" in str(error) and "usually ends in /v1" in str(error)


def test_credentials_in_the_url_are_not_shown():
    url = dead_url().replace("http://", "http://user:hunter2@")
    [error] = asyncio.run(ping_n(OpenAIChatModel(url, "m")))
    assert isinstance(error, LLMUnavailable) and "hunter2" not in str(error) and "user" not in str(error)


def test_connected_but_busy_counts_as_up():
    """llama.cpp's server answers /models only between generations: a connection that is
    accepted but not answered within the read timeout is a busy server, not a dead one."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel accepts connections; nobody ever answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
        assert asyncio.run(ping_n(OpenAIChatModel(url, "m"))) == [None]


def test_cache_wrapper_delegates_explicitly(tmp_path):
    url = dead_url()
    model = CachedChatModel(OpenAIChatModel(url, "m", structured_mode="json_object"), tmp_path / "c.sqlite3")
    [error] = asyncio.run(ping_n(model))
    assert isinstance(error, LLMUnavailable)
    assert model.structured_mode == "json_object"
    assert model.cache_params() == model.inner.cache_params()
    with pytest.raises(AttributeError):
        model.http_calls  # noqa: B018  (no blanket forwarding: reach model.inner for class extras)


def test_base_class_defaults():
    class Echo(ChatModel):
        model_name, context_window = "echo", 100

        async def complete(self, request: ChatRequest) -> ChatReply:
            return ChatReply(content=request.messages[-1]["content"])

    async def go():
        model = Echo()
        await model.ping()  # nothing to check in-process
        await model.aclose()
        return model.structured_mode, model.cache_params()

    assert asyncio.run(go()) == (None, {})
    with pytest.raises(TypeError):
        ChatModel()  # complete is abstract


def test_fake_chat_model_is_a_chat_model_with_injectable_unreadiness():
    model = FakeChatModel(lambda r: "x")
    assert isinstance(model, ChatModel)
    model.ping_error = LLMUnavailable("down for the test")
    with pytest.raises(LLMUnavailable, match="down for the test"):
        asyncio.run(model.ping())


def test_concurrent_pings_share_one_check():
    from summarizer.chat.readiness import CachedCheck

    async def slow_check() -> None:
        await asyncio.sleep(0.05)

    async def go():
        check = CachedCheck(slow_check)
        await asyncio.gather(*(check() for _ in range(5)))
        return check.runs

    assert asyncio.run(go()) == 1
