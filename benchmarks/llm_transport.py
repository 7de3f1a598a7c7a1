"""Benchmark of the LLM transport (run by hand; figures go in README).

    python benchmarks/llm_transport.py            # fake server + cache + real local model
    python benchmarks/llm_transport.py --no-local # skip the real model

Measures: client overhead per call against the fake OpenAI server (no latency), throughput with a
fixed 50 ms latency at several concurrency limits, cache hit cost, and for the bundled
SmolLM2-135M: server start-up time and the time/tokens of plain and json_object calls.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pydantic  # noqa: E402

from summarizer.chat.local_server import LocalServer  # noqa: E402
from summarizer.chat.openai_client import OpenAIChatModel  # noqa: E402
from summarizer.chat.protocol import ChatRequest  # noqa: E402
from summarizer.chat.reply_cache import CachedChatModel  # noqa: E402
from summarizer.chat.structured import ask_json  # noqa: E402
from summarizer.config.settings import Settings  # noqa: E402
from summarizer.testing.fake_openai import FakeOpenAIServer  # noqa: E402


def req(i: int, **kw) -> ChatRequest:
    return ChatRequest(messages=({"role": "user", "content": f"question {i} " * 20},), **kw)


async def many(model, n: int) -> float:
    t = time.perf_counter()
    await asyncio.gather(*(model.complete(req(i)) for i in range(n)))
    return time.perf_counter() - t


async def fake_figures() -> None:
    with FakeOpenAIServer(lambda b: "reply " * 50) as srv:
        model = OpenAIChatModel(srv.base_url, "m", max_concurrency=4)
        await many(model, 20)  # warm-up
        dt = await many(model, 400)
        print(f"client overhead, no latency, concurrency 4: {dt / 400 * 1000:.2f} ms/call")
        await model.aclose()
    with FakeOpenAIServer(lambda b: "ok", latency=0.05) as srv:
        for c in (1, 4, 16):
            model = OpenAIChatModel(srv.base_url, "m", max_concurrency=c)
            dt = await many(model, 64)
            print(f"64 calls, 50 ms server latency, concurrency {c:2d}: {dt:.2f} s "
                  f"(max in flight {srv.max_in_flight})")
            await model.aclose()
    with FakeOpenAIServer(lambda b: "x") as srv, tempfile.TemporaryDirectory() as d:
        model = CachedChatModel(OpenAIChatModel(srv.base_url, "m"), Path(d) / "c.sqlite3")
        await many(model, 200)
        dt = await many(model, 200)
        print(f"cache hit: {dt / 200 * 1000:.2f} ms/call ({model.hits} hits, {srv.calls} HTTP calls)")
        await model.aclose()


class Topic(pydantic.BaseModel):
    topic: str
    keywords: list[str]


async def local_figures() -> None:
    settings = Settings(_env_file=None, context_window=2048)
    t = time.perf_counter()
    async with LocalServer(settings) as srv:
        print(f"local server start-up (SmolLM2-135M, n_ctx 2048): {time.perf_counter() - t:.1f} s")
        model = OpenAIChatModel(srv.base_url, srv.alias, max_concurrency=1, context_window=2048)
        text = "The city council approved a new budget for public transport and bike lanes. " * 5
        msgs = ({"role": "user", "content": f"Summarize in one sentence: {text}"},)
        t = time.perf_counter()
        r = await model.complete(ChatRequest(messages=msgs, max_tokens=64))
        dt = time.perf_counter() - t
        print(f"plain call: {dt:.1f} s, {r.prompt_tokens} prompt + {r.completion_tokens} completion tokens "
              f"({r.completion_tokens / dt:.1f} tok/s overall)")
        t = time.perf_counter()
        value, replies = await ask_json(model, ChatRequest(messages=msgs, max_tokens=96), Topic)
        dt = time.perf_counter() - t
        toks = sum(r.completion_tokens for r in replies)
        print(f"ask_json call ({replies[-1].structured_mode}, {len(replies)} replies): {dt:.1f} s, "
              f"{toks} completion tokens -> {value!r}")
        await model.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-local", action="store_true")
    args = parser.parse_args()
    asyncio.run(fake_figures())
    if not args.no_local:
        asyncio.run(local_figures())


if __name__ == "__main__":
    main()
