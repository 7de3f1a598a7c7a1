"""LLM pipeline wall time vs. its critical-path bound, against the fake OpenAI endpoint.

    python benchmarks/llm_pipeline.py [--latency 0.5] [--concurrency 4] [--sizes 5 50 500]

Documents are real text (seeds/ and ../shared/evaldata), repeated with new ids up to N. The fake
server (a real HTTP server on loopback) answers every call after a fixed latency with a reply
that copies the first passages of the prompt, so the whole client path (HTTP, semaphore, JSON)
runs. Bound = (ceil(map calls / concurrency) map rounds + sum over reduce levels of ceil(groups /
concurrency)) x latency; the conflicts call runs beside the reduce's last call (free slots). Map calls are the ones the run made
(short documents packed several to a call, exact copies mapped once). One small warm-up run first loads what a
process loads once (the tokenizer, the grounding lexicons), as a server has before its first run. By default the endpoint is new to the
client (structured output is negotiated during the run, as on a first run); ``--known-endpoint``
gives the mode up front. Prints a Markdown table.

With ``langchain-classic`` and ``langchain-openai`` installed, LangChain's map_reduce summarize
chain runs on the same documents as the peer (``langchain_peer.py``) and a second table compares
prompt tokens, counted on the server side for both with the same tokenizer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.backends.llm.backend import LLMBackend  # noqa: E402
from summarizer.chat.openai_client import OpenAIChatModel  # noqa: E402
from summarizer.chat.protocol import ChatRequest  # noqa: E402
from summarizer.config.options import SummaryOptions  # noqa: E402
from summarizer.contract.documents import Document  # noqa: E402
from summarizer.io.ingest import load_documents  # noqa: E402
from summarizer.pipeline import summarize  # noqa: E402
from summarizer.testing.fake_openai import FakeOpenAIServer  # noqa: E402

from endpoint_process import EndpointProcess  # noqa: E402  (beside this file)

import langchain_peer  # noqa: E402  (beside this file)

LINE_RE = re.compile(r"^\[(\d+)\] (?:\((?:S\d+(?:, )?)+\) )?(.*)$", re.M)
ARTICLE_RE = re.compile(r"^Article \d+:.*$", re.M)
EVALDATA = ROOT.parent / "shared" / "evaldata" / "multiling2011_wikinews.jsonl"
if not EVALDATA.exists():
    EVALDATA = Path("/work/shared/evaldata/multiling2011_wikinews.jsonl")


def handler(body: dict) -> dict:
    user = body["messages"][-1]["content"]
    if "pairs of sentences" in body["messages"][0]["content"]:
        return {"conflicts": []}
    if user.startswith("Article 1:"):  # a map call: two facts per article (a pack holds several)
        return {"sentences": [{"text": t, "cites": [int(n)]}
                              for block in ARTICLE_RE.split(user)[1:] for n, t in LINE_RE.findall(block)[:2]]}
    lines = LINE_RE.findall(user)
    return {"sentences": [{"text": t, "cites": [int(n)]} for n, t in lines[:2]]}


def corpus(n: int) -> list[Document]:
    """N distinct documents: the real ones, then copies, each copy with a sentence of its own (so
    it is mapped like a new document, while its shared passages are shown once in the reduce)."""
    base = load_documents([str(ROOT / "seeds")])
    if EVALDATA.exists():
        for line in EVALDATA.read_text(encoding="utf-8").splitlines():
            for d in json.loads(line)["documents"]:
                base.append(Document(d["id"], d["text"], d.get("title", "")))
    out = []
    for i in range(n):
        b = base[i % len(base)]
        own = "" if i < len(base) else f"\n\nThis copy, number {i}, was filed by desk {i % 97} of the archive on day {i}.\n"
        out.append(Document(f"{i:04d}_{b.id}", b.text + own, b.title))
    return out


async def one(n: int, latency: float, concurrency: int, known_endpoint: bool) -> dict:
    docs = corpus(n)
    with EndpointProcess(handler, latency) as server:
        known = {"structured_mode": "json_schema"} if known_endpoint else {}
        model = OpenAIChatModel(server.base_url, "fake", max_concurrency=concurrency, context_window=8192, **known)
        backend = LLMBackend(model, backend_name="openai")
        groups: dict[int, int] = {}

        def progress(stage: str, info: dict) -> None:
            if stage == "reduce":
                groups[info["level"]] = info["total"]

        t0 = time.perf_counter()
        result = await summarize(docs, SummaryOptions(), None, progress, backend=backend)
        wall = time.perf_counter() - t0
        await model.aclose()
    calls = server.calls  # what the server saw, brought back when it stopped
    served = {"served_tokens": langchain_peer.served_prompt_tokens(server, False),
              "served_tokens_schema": langchain_peer.served_prompt_tokens(server, True),
              "max_in_flight": server.max_in_flight}
    s = result.stats.model_dump()
    rounds = math.ceil(s["map_chunks"] / concurrency) + sum(math.ceil(g / concurrency) for g in groups.values())
    llm_wall = sum(s["stage_seconds"][k] for k in ("map",)) + max(s["stage_seconds"].get("reduce", 0),
                                                                   s["stage_seconds"].get("conflicts", 0))
    return {
        "N": n, "calls": calls, "reduce_levels": s["reduce_levels"], "bound_s": rounds * latency,
        "llm_wall_s": llm_wall, "wall_s": wall, "prompt_tokens": s["prompt_tokens"],
        "source_tokens": s["source_tokens"], "deduped_tokens": s["deduped_tokens"], **served,
    }


async def round_time(latency: float, concurrency: int, rounds: int = 10) -> float:
    """Measured seconds per round of ``concurrency`` bare client calls: the transport's own cost."""
    with FakeOpenAIServer(lambda body: {"sentences": []}, latency=latency) as server:
        model = OpenAIChatModel(server.base_url, "fake", max_concurrency=concurrency, structured_mode="json_schema")
        req = ChatRequest(({"role": "user", "content": "hi"},), schema={"type": "object"})
        await model.complete(req)
        t0 = time.perf_counter()
        await asyncio.gather(*(model.complete(req) for _ in range(rounds * concurrency)))
        await model.aclose()
        return (time.perf_counter() - t0) / rounds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500])
    ap.add_argument("--known-endpoint", action="store_true", help="give the structured mode up front")
    args = ap.parse_args()
    asyncio.run(one(2, 0.0, args.concurrency, True))  # warm-up: once-per-process loading
    per_round = asyncio.run(round_time(args.latency, args.concurrency))
    print(f"latency {args.latency} s/call, concurrency {args.concurrency}; one round of bare client calls "
          f"takes {per_round:.3f} s on this machine\n")
    print("| N | calls | reduce levels | rounds | bound (s) | bound with measured round (s) | LLM stages wall (s) "
          "| ratio to bound | ratio to measured | total wall incl. prepare (s) | max in flight | prompt tokens "
          "| source tokens | after dedup |")
    print("|" + "---|" * 14)
    rows = []
    for n in args.sizes:
        r = asyncio.run(one(n, args.latency, args.concurrency, args.known_endpoint))
        rows.append(r)
        rounds = round(r["bound_s"] / args.latency)
        measured = rounds * per_round
        print(f"| {r['N']} | {r['calls']} | {r['reduce_levels']} | {rounds} | {r['bound_s']:.1f} | {measured:.1f} "
              f"| {r['llm_wall_s']:.2f} | {r['llm_wall_s'] / r['bound_s']:.2f} | {r['llm_wall_s'] / measured:.2f} "
              f"| {r['wall_s']:.2f} | {r['max_in_flight']} | {r['prompt_tokens']} | {r['source_tokens']} "
              f"| {r['deduped_tokens']} |", flush=True)
    peer_table(rows, args)


def peer_table(rows: list[dict], args: argparse.Namespace) -> None:
    if not langchain_peer.available():
        print("\n(LangChain not installed: pip install langchain-classic langchain-openai for the peer)")
        return
    print("\nPrompt tokens counted by the server (messages; ours also with the response schema that "
          "json_schema endpoints bill):\n")
    print("| N | ours calls | ours tokens / source token | with schema | LangChain calls | LangChain tokens / "
          "source token | ours / LangChain | with schema | LangChain wall (s) | LangChain max in flight |")
    print("|" + "---|" * 10)
    for r in rows:
        lc = asyncio.run(langchain_peer.run(corpus(r["N"]), args.latency, args.concurrency))
        src = r["source_tokens"]
        ours, schema, theirs = r["served_tokens"] / src, r["served_tokens_schema"] / src, lc["prompt_tokens"] / src
        print(f"| {r['N']} | {r['calls']} | {ours:.2f} | {schema:.2f} | {lc['calls']} | {theirs:.2f} "
              f"| {ours / theirs:.2f} | {schema / theirs:.2f} | {lc['wall_s']:.2f} | {lc['max_in_flight']} |",
              flush=True)


if __name__ == "__main__":
    main()
