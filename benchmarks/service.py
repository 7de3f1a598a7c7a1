"""Throughput and latency of POST /v1/summaries (seeds, extractive backend) on a real server.

    python benchmarks/service.py [--requests 64] [--seconds 30] [--concurrency 1 8 32]

Starts ``python -m summarizer serve`` on a free loopback port with a throw-away job store, then for
each concurrency level runs that many httpx async clients until ``--requests`` requests are done
(or ``--seconds`` pass) and prints a Markdown table: requests/s, p50, p99 latency, and the CPU
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


async def run_level(url: str, body: dict, clients: int, total: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    remaining = total
    deadline = time.monotonic() + seconds

    async def client_loop() -> None:
        nonlocal remaining, errors
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                t0 = time.perf_counter()
                r = await client.post("/v1/summaries", json=body)
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code != 200

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
    args = ap.parse_args()
    docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted((ROOT / "seeds").glob("*.txt"))]
    body = {"documents": docs, "options": {"backend": "extractive"}}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp))
        try:
            httpx.post(f"{url}/v1/summaries", json=body, timeout=120).raise_for_status()  # warm-up
            rows = []
            for clients in args.concurrency:
                server0, client0 = process_cpu(proc.pid), time.process_time()
                row = asyncio.run(run_level(url, body, clients, max(args.requests, clients), args.seconds))
                row["server_cpu"] = (process_cpu(proc.pid) - server0) / row["requests"]
                row["client_cpu"] = (time.process_time() - client0) / row["requests"]
                rows.append(row)
        finally:
            proc.terminate()
            proc.wait(15)
    pipeline = pipeline_cpu(docs)
    chars = sum(len(d["text"]) for d in docs)
    print(f"POST /v1/summaries, {len(docs)} seed documents ({chars} chars), extractive backend, "
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
