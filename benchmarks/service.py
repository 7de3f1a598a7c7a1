"""Throughput and latency of POST /v1/summaries (seeds, extractive backend) on a real server.

    python benchmarks/service.py [--requests 128] [--seconds 30] [--concurrency 1 8 32]
                                 [--input seeds|sentence] [--client raw|httpx]

Starts ``python -m summarizer serve`` on a free loopback port with a throw-away job store, then for
each concurrency level runs that many clients, each on one kept-alive connection, until
``--requests`` requests are done (or ``--seconds`` pass) and prints a Markdown table: requests/s, p50, p99 latency, and the CPU
time the server process and the client spent per request (Linux: from /proc). On a shared
machine requests/s moves with the neighbours' load; CPU per request much less.

It also runs the same summary in this process (``pipeline.summarize``, no HTTP, the backend
reused as the server reuses it) and prints its CPU time per run: the server's CPU per request
minus that is what the service layer (HTTP server, FastAPI, validation, middleware, metrics,
rendering) costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "The city council approved the new budget of 12 million euros on Monday."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), SUMMARIZER_DB_PATH=str(workdir / "jobs.sqlite3"),
               SUMMARIZER_DATA_DIR=str(workdir), SUMMARIZER_BACKEND="extractive")
    proc = subprocess.Popen([sys.executable, "-m", "summarizer", "serve", "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; NaN where /proc is unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class RawConnection:
    """One kept-alive HTTP/1.1 connection that sends a request encoded once, and reads the reply's
    status and Content-Length body: a client that takes as little of the shared cores as it can.
    httpx (``--client httpx``) encodes the 15 KB JSON body and builds a request object on every
    call, about 2 ms of CPU per request, which at 1 client is time the server waits for."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> None:
        self.reader, self.writer, self.request = reader, writer, request

    @classmethod
    async def open(cls, url: str, path: str, body: bytes) -> "RawConnection":
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        head = (f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n").encode()
        return cls(reader, writer, head + body)

    async def post(self) -> int:
        """Send the request; its status code once the whole reply has arrived."""
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:"))
        await self.reader.readexactly(length)
        return int(lines[0].split(b" ", 2)[1])

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


class HttpxConnection:
    """The same through httpx, as most Python callers would send it."""

    def __init__(self, url: str, body: dict) -> None:
        self.client, self.body = httpx.AsyncClient(base_url=url, timeout=120), body

    async def post(self) -> int:
        return (await self.client.post("/v1/summaries", json=self.body)).status_code

    async def close(self) -> None:
        await self.client.aclose()


async def run_level(url: str, body: dict, clients: int, total: int, seconds: float, client_kind: str = "raw") -> dict:
    latencies: list[float] = []
    errors = 0
    remaining = total
    deadline = time.monotonic() + seconds
    encoded = json.dumps(body).encode()

    async def client_loop() -> None:
        nonlocal remaining, errors
        conn = (await RawConnection.open(url, "/v1/summaries", encoded) if client_kind == "raw"
                else HttpxConnection(url, body))
        try:
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                t0 = time.perf_counter()
                status = await conn.post()
                latencies.append(time.perf_counter() - t0)
                errors += status != 200
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(clients)))
    wall = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "errors": errors, "rps": len(latencies) / wall,
            "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "mean": statistics.fmean(latencies)}


def pipeline_cpu(docs: list[dict], runs: int = 40, repeats: int = 5) -> float:
    """CPU seconds per in-process run of the pipeline on ``docs`` (best of ``repeats``)."""
    sys.path.insert(0, str(ROOT))
    from summarizer import backends
    from summarizer.config.options import SummaryOptions
    from summarizer.config.settings import Settings
    from summarizer.contract.documents import Document
    from summarizer.pipeline import summarize

    documents = [Document(id=d["id"], text=d["text"]) for d in docs]
    options, settings = SummaryOptions(backend="extractive"), Settings(backend="extractive")

    async def measure() -> float:
        backend = backends.create("extractive", settings, options)
        for _ in range(5):  # warm-up: tokenizer, caches
            await summarize(documents, options, settings, backend=backend)
        best = float("inf")
        for _ in range(repeats):
            t0 = time.process_time()
            for _ in range(runs):
                await summarize(documents, options, settings, backend=backend)
            best = min(best, (time.process_time() - t0) / runs)
        return best

    return asyncio.run(measure())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=128, help="requests per concurrency level")
    ap.add_argument("--seconds", type=float, default=30, help="time cap per level")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--input", choices=["seeds", "sentence"], default="seeds",
                    help="seeds: the 5 seed documents (default); sentence: one document of one sentence")
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw",
                    help="raw: the request encoded once, on plain asyncio streams (default); httpx: httpx.AsyncClient")
    args = ap.parse_args()
    docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if args.input == "sentence":  # its pipeline costs about 1 ms: the server's CPU is nearly all service layer
        docs = [{"id": "a", "text": SENTENCE}]
    body = {"documents": docs, "options": {"backend": "extractive"}}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp))
        try:
            httpx.post(f"{url}/v1/summaries", json=body, timeout=120).raise_for_status()  # warm-up
            rows = []
            for clients in args.concurrency:
                server0, client0 = process_cpu(proc.pid), time.process_time()
                row = asyncio.run(run_level(url, body, clients, max(args.requests, clients), args.seconds, args.client))
                row["server_cpu"] = (process_cpu(proc.pid) - server0) / row["requests"]
                row["client_cpu"] = (time.process_time() - client0) / row["requests"]
                rows.append(row)
        finally:
            proc.terminate()
            proc.wait(15)
    pipeline = pipeline_cpu(docs)
    chars = sum(len(d["text"]) for d in docs)
    print(f"POST /v1/summaries, {len(docs)} {args.input} document(s) ({chars} chars), extractive backend, "
          f"{args.client} client, "
          f"1 uvicorn worker, {os.cpu_count()} CPUs, Python {platform.python_version()}\n")
    print("| clients | requests | errors | requests/s | p50 ms | p99 ms | server CPU ms/request | client CPU ms/request |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['clients']} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | "
              f"{r['p50'] * 1000:.0f} | {r['p99'] * 1000:.0f} | {r['server_cpu'] * 1000:.1f} | {r['client_cpu'] * 1000:.1f} |")
    print(f"\nThe pipeline alone (in this process, no HTTP): {pipeline * 1000:.1f} ms CPU per run; the service "
          "layer is the rest: " + ", ".join(f"{(r['server_cpu'] - pipeline) * 1000:.1f} ms at {r['clients']} "
                                            f"client{'s' if r['clients'] > 1 else ''}" for r in rows))


if __name__ == "__main__":
    main()
