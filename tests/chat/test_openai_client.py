"""OpenAIChatModel against a real HTTP server on loopback with scripted faults."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from summarizer.chat.openai_client import OpenAIChatModel, parse_retry_after
from summarizer.chat.protocol import ChatRequest
from summarizer.errors import (ConfigError, ContextOverflow, LLMAuthError, LLMReplyError, LLMRequestError,
                               LLMUnavailable)
from summarizer.testing.fake_openai import FakeOpenAIServer, Fault

SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
KEY = "sk-test-very-secret-0123456789"


def req(text: str = "hello", schema=None, max_tokens: int = 64) -> ChatRequest:
    return ChatRequest(messages=({"role": "system", "content": "Be brief."}, {"role": "user", "content": text}),
                       schema=schema, max_tokens=max_tokens)


class Recorder:
    """A fake ``sleep`` for tenacity: records the requested waits instead of sleeping."""

    def __init__(self, server: FakeOpenAIServer | None = None) -> None:
        self.waits: list[float] = []
        self.server = server
        self.calls_before_wait: list[int] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.server is not None:
            self.calls_before_wait.append(self.server.calls)
        await asyncio.sleep(0)


def make(server: FakeOpenAIServer, **kw) -> OpenAIChatModel:
    kw.setdefault("sleep", Recorder(server))
    kw.setdefault("max_retries", 3)
    kw.setdefault("request_timeout", 5.0)
    return OpenAIChatModel(server.base_url, "fake-model", kw.pop("api_key", None), **kw)


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def server():
    with FakeOpenAIServer(lambda body: {"answer": body["messages"][-1]["content"].upper()}) as s:
        yield s


async def _one(model: OpenAIChatModel, request: ChatRequest):
    try:
        return await model.complete(request)
    finally:
        await model.aclose()


async def _all(model: OpenAIChatModel, requests: list[ChatRequest]):
    """Every request at once on one model, closed afterwards."""
    try:
        return await asyncio.gather(*(model.complete(r) for r in requests))
    finally:
        await model.aclose()


def test_plain_reply_and_usage(server):
    reply = run(_one(make(server), req("hi")))
    assert reply.content == '{"answer": "HI"}'
    assert reply.finish_reason == "stop"
    assert reply.prompt_tokens > 0 and reply.completion_tokens > 0
    body = server.requests[0]
    assert body["model"] == "fake-model" and body["max_tokens"] == 64
    assert "response_format" not in body


def test_usage_fallback_counts_with_tiktoken():
    with FakeOpenAIServer(lambda b: "one two three", usage=False) as s:
        reply = run(_one(make(s), req("count these words please")))
    assert reply.completion_tokens == 3
    assert reply.prompt_tokens >= 5


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.RESET, Fault.MALFORMED, Fault.rate_limit(0),
                                   Fault.status(503), Fault.status(502)])
def test_transient_faults_are_retried(server, fault):
    server.script(fault, fault)
    reply = run(_one(make(server), req("x")))
    assert reply.content == '{"answer": "X"}'
    assert server.calls == 3


def test_dropped_kept_alive_connection_is_resent_at_once_and_quietly(server, caplog):
    # The server closes a connection just as the client reuses it: httpx sees "Server
    # disconnected without sending a response". That is no failure of the endpoint.
    server.script(Fault.OK, Fault.DROP)
    waits = Recorder(server)
    model = make(server, sleep=waits)
    with caplog.at_level("WARNING", logger="summarizer.chat.openai_client"):
        replies = run(_all_in_turn(model, [req("a"), req("b")]))
    assert [r.content for r in replies] == ['{"answer": "A"}', '{"answer": "B"}']
    assert server.calls == 3
    assert waits.waits == []  # no backoff
    assert not [r for r in caplog.records if "retry" in r.getMessage()]


def test_a_connection_dropped_twice_is_a_retried_failure(server):
    server.script(Fault.DROP, Fault.DROP, Fault.DROP)
    waits = Recorder(server)
    model = make(server, sleep=waits)
    reply = run(_one(model, req("x")))
    assert reply.content == '{"answer": "X"}'
    assert server.calls == 4  # drop + quiet resend (drop), backoff, drop + quiet resend (ok)
    assert len(waits.waits) == 1


async def _all_in_turn(model: OpenAIChatModel, requests: list[ChatRequest]):
    """Requests one after the other on one model (so the second reuses the kept-alive connection)."""
    try:
        return [await model.complete(r) for r in requests]
    finally:
        await model.aclose()


def test_hang_times_out_then_retries(server):
    server.script(Fault.HANG)
    model = make(server, request_timeout=1.0)
    reply = run(_one(model, req("late")))
    assert reply.content == '{"answer": "LATE"}'
    assert server.calls == 2


def test_exhausted_retries_raise_unavailable(server):
    server.script(*[Fault.SERVER_ERROR] * 4)
    model = make(server, max_retries=3)
    with pytest.raises(LLMUnavailable, match="4 attempts.*HTTP 500"):
        run(_one(model, req()))
    assert server.calls == 4


def test_connection_refused_is_unavailable():
    with FakeOpenAIServer() as s:
        url = s.base_url
    model = OpenAIChatModel(url, "m", max_retries=1, sleep=Recorder())
    with pytest.raises(LLMUnavailable, match="connection failed"):
        run(_one(model, req()))


@pytest.mark.parametrize("url, kw", [("localhost:8080/v1", {}), ("ftp://x/v1", {}), ("", {}),
                                     ("http://127.0.0.1:1/v1", {"max_concurrency": 0})])
def test_bad_configuration_is_config_error(url, kw):
    with pytest.raises(ConfigError):
        OpenAIChatModel(url, "m", **kw)


def test_retry_after_seconds_is_honoured(server):
    server.script(Fault.rate_limit(7), Fault.rate_limit(3))
    sleep = Recorder(server)
    run(_one(make(server, sleep=sleep), req()))
    # Each wait came after the 429 that asked for it, and lasted what the server said.
    assert sleep.waits == [7.0, 3.0]
    assert sleep.calls_before_wait == [1, 2]
    assert server.calls == 3


def test_retry_after_is_capped(server):
    server.script(Fault.rate_limit(1000))
    sleep = Recorder(server)
    run(_one(make(server, sleep=sleep, retry_max_wait=2.5), req()))
    assert sleep.waits == [2.5]


def test_retry_after_http_date(server):
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    server.script(Fault.rate_limit(when))
    sleep = Recorder(server)
    run(_one(make(server, sleep=sleep), req()))
    assert len(sleep.waits) == 1 and 15 <= sleep.waits[0] <= 20


def test_parse_retry_after_forms():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    past = email.utils.formatdate(0, usegmt=True)
    assert parse_retry_after(past) == 0.0


def test_backoff_without_retry_after_is_capped_and_jittered(server):
    server.script(*[Fault.SERVER_ERROR] * 5)
    sleep = Recorder(server)
    run(_one(make(server, sleep=sleep, max_retries=5, retry_max_wait=1.0), req()))
    assert len(sleep.waits) == 5
    assert all(0 <= w <= 1.0 for w in sleep.waits)


def test_auth_error_never_shows_key():
    with FakeOpenAIServer(api_key="the-right-key") as s:
        model = make(s, api_key=KEY)
        with pytest.raises(LLMAuthError) as info:
            run(_one(model, req()))
        assert s.calls == 1  # not retried
    msg = str(info.value)
    assert KEY not in msg and "missing or wrong" in msg and "SUMMARIZER_API_KEY" in msg
    assert KEY not in repr(info.value.__cause__) if info.value.__cause__ else True


def test_right_key_is_sent():
    with FakeOpenAIServer(lambda b: "ok", api_key=KEY) as s:
        assert run(_one(make(s, api_key=KEY), req())).content == "ok"


def test_other_4xx_fail_at_once_with_reason(server):
    server.script(Fault.status(400, '{"error": {"message": "unknown parameter foo"}}'))
    with pytest.raises(LLMRequestError, match="HTTP 400.*unknown parameter foo"):
        run(_one(make(server), req()))
    assert server.calls == 1


def test_4xx_body_echoing_the_key_is_scrubbed(server):
    server.script(Fault.status(400, '{"error": {"message": "bad request from key %s"}}' % KEY))
    with pytest.raises(LLMRequestError) as info:
        run(_one(make(server, api_key=KEY), req()))
    assert KEY not in str(info.value) and "***" in str(info.value)


def test_remembered_mode_rejected_later_is_request_error(server):
    async def go():
        model = make(server)
        try:
            await model.complete(req(schema=SCHEMA))
            server.script(Fault.status(400, '{"error": {"message": "response_format too complex"}}'))
            with pytest.raises(LLMRequestError, match="rejected a json_schema request"):
                await model.complete(req(schema=SCHEMA))
        finally:
            await model.aclose()

    run(go())


def test_context_length_400_is_context_overflow(server):
    server.script(Fault.status(400, '{"error": {"message": "This model\'s maximum context length is 2048"}}'))
    with pytest.raises(ContextOverflow):
        run(_one(make(server), req()))


def test_reply_without_choices_is_reply_error(server):
    server.script(Fault.status(200, '{"object": "error"}'))
    with pytest.raises(LLMReplyError, match="choices"):
        run(_one(make(server), req()))


def test_truncated_and_empty_are_returned_as_is(server):
    server.script(Fault.TRUNCATED, Fault.EMPTY)

    async def go():
        model = make(server)
        try:
            return await model.complete(req("abcdef")), await model.complete(req("b"))
        finally:
            await model.aclose()

    truncated, empty = run(go())
    assert truncated.finish_reason == "length" and len(truncated.content) < len('{"answer": "ABCDEF"}')
    assert empty.content == ""


# -- structured-output negotiation --------------------------------------------------------------


def test_json_schema_used_when_accepted(server):
    reply = run(_one(make(server), req(schema=SCHEMA)))
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"] == SCHEMA
    assert fmt["json_schema"]["strict"] is True
    assert reply.structured_mode == "json_schema"


def test_negotiation_falls_back_to_json_object_and_remembers():
    with FakeOpenAIServer(lambda b: {"answer": "a"}, reject_json_schema=True) as s:
        async def go():
            model = make(s)
            try:
                replies = [await model.complete(req(schema=SCHEMA)) for _ in range(3)]
                return model, replies
            finally:
                await model.aclose()

        model, replies = run(go())
        types = [b.get("response_format", {}).get("type") for b in s.requests]
    assert types == ["json_schema", "json_object", "json_object", "json_object"]
    assert model.structured_mode == "json_object"
    assert [r.structured_mode for r in replies] == ["json_object"] * 3
    assert s.requests[1]["response_format"]["schema"] == SCHEMA
    assert '"answer"' in s.requests[1]["messages"][0]["content"]  # schema also in the prompt


def test_negotiation_falls_back_to_instructions():
    with FakeOpenAIServer(lambda b: {"answer": "a"}, reject_response_format=True) as s:
        async def go():
            model = make(s)
            try:
                return [await model.complete(req(schema=SCHEMA)) for _ in range(2)]
            finally:
                await model.aclose()

        replies = run(go())
        assert [b.get("response_format", {}).get("type") for b in s.requests] == \
            ["json_schema", "json_object", None, None]
        system = s.requests[-1]["messages"][0]
    assert replies[-1].structured_mode == "instructions"
    assert system["role"] == "system" and system["content"].startswith("Be brief.")
    assert "JSON schema" in system["content"]


def test_concurrent_first_calls_negotiate_without_waiting():
    """No first call waits for another's probe; each is rejected at most once, and a call made
    once the mode is known goes straight to it."""
    with FakeOpenAIServer(lambda b: {"answer": "a"}, reject_json_schema=True) as s:
        model = make(s, max_concurrency=4)

        async def go():
            try:
                await _all_open(model, [req(f"q{i}", schema=SCHEMA) for i in range(6)])
                await model.complete(req("later", schema=SCHEMA))
            finally:
                await model.aclose()

        run(go())
        types = [b.get("response_format", {}).get("type") for b in s.requests]
    assert types.count("json_object") == 7
    assert 1 <= types.count("json_schema") <= 6
    assert types[-1] == "json_object"


async def _all_open(model, requests):
    return await asyncio.gather(*(model.complete(r) for r in requests))


# -- concurrency ------------------------------------------------------------------------------


def test_concurrency_never_exceeds_limit():
    with FakeOpenAIServer(lambda b: "ok", latency=0.2) as s:
        run(_all(make(s, max_concurrency=3), [req(f"q{i}") for i in range(9)]))
        assert s.calls == 9
        assert s.max_in_flight == 3  # reached, never exceeded


def test_concurrency_limit_holds_with_retries():
    with FakeOpenAIServer(lambda b: "ok", latency=0.02) as s:
        s.script(*[Fault.SERVER_ERROR] * 4)
        run(_all(make(s, max_concurrency=2), [req(f"q{i}") for i in range(8)]))
        assert s.calls == 12 and s.max_in_flight <= 2
