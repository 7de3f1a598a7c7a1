"""The next request goes out before a reply is handed back (``chat.sending``), over real HTTP."""

from __future__ import annotations

import asyncio

from summarizer.chat.openai_client import OpenAIChatModel
from summarizer.chat.protocol import ChatRequest
from summarizer.chat.sending import SendTracker
from summarizer.testing.fake_openai import FakeOpenAIServer

SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}


def req(text: str) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": text},), schema=SCHEMA, max_tokens=16)


def test_the_waiting_request_is_on_the_wire_before_a_reply_is_handled():
    """With one slot, the second call waits for the first's; by the time the first call's reply
    reaches its caller (who would parse and check it, CPU work), the second request holds the
    slot and has been written: that work no longer delays the next round of calls."""

    async def main() -> list[int]:
        with FakeOpenAIServer(lambda body: {"answer": "ok"}, latency=0.05) as server:
            model = OpenAIChatModel(server.base_url, "fake", max_concurrency=1, structured_mode="json_schema")
            seen: list[int] = []

            async def first() -> None:
                await model.complete(req("one"))
                seen.append(model.http_calls)
                await model.wait_sent()  # nothing left half written: returns at once

            await asyncio.gather(first(), model.complete(req("two")))
            await model.aclose()
            assert server.calls == 2
            return seen

    assert asyncio.run(main()) == [2]


def test_send_tracker_waits_for_every_request_being_written():
    async def main() -> list[str]:
        tracker = SendTracker()
        order: list[str] = []
        a, b = tracker.start(), tracker.start()

        async def waiter() -> None:
            await tracker.wait()
            order.append("waited")

        task = asyncio.ensure_future(waiter())
        await asyncio.sleep(0)
        await a.trace("http11.send_request_headers.complete", {})  # not yet the body
        a.close()
        await asyncio.sleep(0)
        order.append("a written")
        await b.trace("http11.send_request_body.complete", {})
        b.close()  # closing twice counts once
        await task
        await tracker.wait()  # nothing being written
        return order

    assert asyncio.run(main()) == ["a written", "waited"]


def test_a_stalled_write_holds_a_reply_back_only_briefly():
    async def main() -> float:
        tracker = SendTracker()
        tracker.start()  # never written
        t0 = asyncio.get_running_loop().time()
        await tracker.after_release(at_most=0.05)
        return asyncio.get_running_loop().time() - t0

    assert asyncio.run(main()) < 1.0
