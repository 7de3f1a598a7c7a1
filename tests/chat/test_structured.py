"""ask_json: lenient parsing, one repair round, one max_tokens growth, clear final errors."""

from __future__ import annotations

import asyncio

import pydantic
import pytest

from summarizer.chat.openai_client import OpenAIChatModel
from summarizer.chat.protocol import ChatReply, ChatRequest
from summarizer.chat.structured import ReplyParseError, ask_json, extract_json_object
from summarizer.errors import ContextOverflow, LLMReplyError
from summarizer.testing.fake_chat import FakeChatModel
from summarizer.testing.fake_openai import FakeOpenAIServer, Fault


class Answer(pydantic.BaseModel):
    answer: str
    score: int


def req(max_tokens: int = 64) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": "Answer as JSON."},), max_tokens=max_tokens,
                       purpose="test")


def scripted(*outs):
    """A FakeChatModel answering with ``outs`` in order (str or ChatReply)."""
    queue = list(outs)

    def handler(request: ChatRequest):
        out = queue.pop(0)
        return out if isinstance(out, ChatReply) else ChatReply(content=out)

    return FakeChatModel(handler, context_window=1024)


@pytest.mark.parametrize("text", [
    '{"answer": "a", "score": 1}',
    '```json\n{"answer": "a", "score": 1}\n```',
    'Sure! Here it is:\n{"answer": "a", "score": 1}\nHope this helps {not json}',
    '```\n{"answer": "a", "score": 1}```',
    'Note {x} first, then {"answer": "a", "score": 1}',
])
def test_extract_lenient(text):
    assert extract_json_object(text) == {"answer": "a", "score": 1}


def test_extract_accepts_raw_control_characters_in_strings():
    # llama-cpp-python's JSON-schema grammar lets a model write a raw newline or tab inside a
    # string; strict JSON refuses it, and a weak model repeats it in the repair round.
    assert extract_json_object('{"answer": "line one\nline\ttwo", "score": 1}') == {
        "answer": "line one\nline\ttwo", "score": 1}


@pytest.mark.parametrize("text", ["", "   ", "no json here", '{"answer": "a", ', "[1, 2]"])
def test_extract_rejects(text):
    with pytest.raises(ReplyParseError):
        extract_json_object(text)


def test_valid_first_time_and_schema_added():
    model = scripted('{"answer": "yes", "score": 3}')
    value, replies = asyncio.run(ask_json(model, req(), Answer))
    assert value == Answer(answer="yes", score=3) and len(replies) == 1
    sent = model.requests[0]
    assert sent.schema["properties"].keys() == {"answer", "score"} and sent.schema_name == "Answer"


def test_repair_round_fixes_invalid_reply():
    model = scripted('{"answer": "yes"}', '{"answer": "yes", "score": 2}')
    value, replies = asyncio.run(ask_json(model, req(), Answer))
    assert value.score == 2 and len(replies) == 2
    repair = model.requests[1]
    assert repair.messages[-2] == {"role": "assistant", "content": '{"answer": "yes"}'}
    assert "score" in repair.messages[-1]["content"]  # the validation error is shown to the model
    assert repair.purpose == "test:repair"


def test_empty_reply_is_repaired():
    model = scripted("", '{"answer": "x", "score": 0}')
    value, _ = asyncio.run(ask_json(model, req(), Answer))
    assert value.answer == "x"
    assert "empty" in model.requests[1].messages[-1]["content"]


def test_second_failure_is_reply_error():
    model = scripted("I cannot do that.", '{"answer": 5}')
    with pytest.raises(LLMReplyError, match="Answer JSON even after a repair round.*score"):
        asyncio.run(ask_json(model, req(), Answer))
    assert model.calls == 2


def test_length_retries_with_bigger_budget():
    model = scripted(ChatReply(content='{"answer": "lo', finish_reason="length", prompt_tokens=20),
                     '{"answer": "long", "score": 9}')
    value, replies = asyncio.run(ask_json(model, req(max_tokens=64), Answer))
    assert value.answer == "long"
    assert [r.max_tokens for r in model.requests] == [64, 128]


def test_length_that_cannot_fit_raises_context_overflow():
    model = scripted(ChatReply(content='{"a', finish_reason="length", prompt_tokens=1000))
    with pytest.raises(ContextOverflow, match="context window of 1024"):
        asyncio.run(ask_json(model, req(max_tokens=64), Answer))


def test_length_twice_is_reply_error():
    cut = ChatReply(content='{"a', finish_reason="length", prompt_tokens=10)
    model = scripted(cut, cut)
    with pytest.raises(LLMReplyError, match="cut off twice"):
        asyncio.run(ask_json(model, req(max_tokens=32), Answer))


def test_repair_after_growth_keeps_bigger_budget():
    model = scripted(ChatReply(content="{", finish_reason="length", prompt_tokens=10),
                     "not json", '{"answer": "b", "score": 1}')
    asyncio.run(ask_json(model, req(max_tokens=32), Answer))
    assert [r.max_tokens for r in model.requests] == [32, 64, 64]


# -- against the fake HTTP server: every reply fault ends well or in a clear error --------------


def _server_ask(server: FakeOpenAIServer):
    async def go():
        model = OpenAIChatModel(server.base_url, "m", max_retries=2, request_timeout=5,
                                sleep=lambda s: asyncio.sleep(0))
        try:
            return await ask_json(model, req(), Answer)
        finally:
            await model.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("fault", [Fault.IGNORE_SCHEMA, Fault.EMPTY, Fault.TRUNCATED, Fault.MALFORMED])
def test_reply_faults_are_survived(fault):
    with FakeOpenAIServer(lambda b: {"answer": "ok", "score": 1}, reject_json_schema=True) as s:
        s.script(fault)
        value, replies = _server_ask(s)
    assert value == Answer(answer="ok", score=1)
    assert replies[-1].structured_mode == "json_object"


def test_model_that_always_ignores_schema_gives_reply_error():
    with FakeOpenAIServer(lambda b: "I'd rather chat.") as s:
        with pytest.raises(LLMReplyError, match="no JSON object"):
            _server_ask(s)
        assert s.calls == 2
