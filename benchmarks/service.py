"""Throughput and latency of POST /v1/summaries (seeds, extractive backend) on a real server.

    python benchmarks/service.py [--requests 128] [--seconds 30] [--concurrency 1 8 32] [--rounds 1]
                                 [--input seeds|stories|sentence] [--client raw|httpx]

Starts ``summarizer serve`` (under ``timed_serve.py``, which also counts its pipeline's CPU time)
on a free loopback port with a throw-away job store, then for each concurrency level runs that
many clients, each on one kept-alive connection, until ``--requests`` requests are done (or
``--seconds`` pass) and prints a Markdown table: requests/s, p50, p99 latency, the CPU time the
server process spent per request (Linux: from /proc), how much of it was the pipeline (measured
inside the server) and so how much the service layer (HTTP server, FastAPI, validation,
middleware, metrics, rendering, the sockets' system calls), and the client's CPU per request.
On a shared machine requests/s moves with the neighbours' load; CPU per request much less.
``--rounds N`` alternates the levels N times (figures: medians); ``--compare TREE`` serves another
checkout's package too (say main's, for before/after), its levels alternating with this one's.

It also runs the same summary in this process (``pipeline.summarize``, no HTTP, the backend
reused as the server reuses it) and prints its CPU time per run, for comparison with the
pipeline benchmarks.

The server keeps per-sentence analyses across requests (a news service sees the same wire copy
again), so the same seeds sent again and again partly hit those caches. ``--input stories`` sends
each request a different set of news documents of the seeds' size (the stories of
``whole_run.py``: real articles with 30 % of their content words replaced, with exact and
perturbed copies), cycling through more than the caches hold: the cost of unseen input.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "The city council approved the new budget of 12 million euros on Monday."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path, pipeline_totals: Path | None = None, tree: Path = ROOT,
                 cpu_processes: int | None = None) -> tuple[subprocess.Popen, str]:
    """``summarizer serve`` of the package in ``tree``; with ``pipeline_totals``, under
    ``timed_serve.py`` writing there."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(tree), SUMMARIZER_DB_PATH=str(workdir / "jobs.sqlite3"),
               SUMMARIZER_DATA_DIR=str(workdir), SUMMARIZER_BACKEND="extractive")
    if cpu_processes is not None:
        env["SUMMARIZER_CPU_PROCESSES"] = str(cpu_processes)
    command = ([sys.executable, str(ROOT / "benchmarks" / "timed_serve.py"), str(pipeline_totals)]
               if pipeline_totals is not None else [sys.executable, "-m", "summarizer"])
    proc = subprocess.Popen(command + ["serve", "--port", str(port), "--log-level", "warning"],
                            cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the server's worker processes), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
            except OSError:  # ended meanwhile
                continue
    return found


def workers_cpu(pid: int) -> dict[int, float]:
    """CPU seconds so far of each worker process of the server ``pid``."""
    return {child: process_cpu(child) for child in children(pid)}


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; NaN where /proc is unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pipeline_totals(proc: subprocess.Popen, path: Path) -> float:
    """CPU seconds of the server's pipeline runs in its own process so far (``timed_serve.py``)."""
    path.unlink(missing_ok=True)
    proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            totals = json.loads(path.read_text())
            return totals["cpu_seconds"]
        except (OSError, ValueError):
            time.sleep(0.01)
    raise SystemExit("the server did not report its pipeline time")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class RawConnection:
    """One kept-alive HTTP/1.1 connection that sends a request encoded once, and reads the reply's
    status and Content-Length body: a client that takes as little of the shared cores as it can.
    httpx (``--client httpx``) encodes the 15 KB JSON body and builds a request object on every
    call, about 2 ms of CPU per request, which at 1 client is time the server waits for."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, requests: list[bytes]) -> None:
        self.reader, self.writer, self.requests = reader, writer, requests

    @classmethod
    async def open(cls, url: str, path: str, bodies: list[bytes]) -> "RawConnection":
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        heads = [(f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
                  f"content-length: {len(body)}\r\n\r\n").encode() for body in bodies]
        return cls(reader, writer, [head + body for head, body in zip(heads, bodies)])

    async def post(self, n: int) -> int:
        """Send request ``n`` (cycling through them); its status code once the whole reply has arrived."""
        self.writer.write(self.requests[n % len(self.requests)])
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

    def __init__(self, url: str, bodies: list[dict]) -> None:
        self.client, self.bodies = httpx.AsyncClient(base_url=url, timeout=120), bodies

    async def post(self, n: int) -> int:
        return (await self.client.post("/v1/summaries", json=self.bodies[n % len(self.bodies)])).status_code

    async def close(self) -> None:
        await self.client.aclose()


async def run_level(url: str, bodies: list[dict], clients: int, total: int, seconds: float,
                    client_kind: str = "raw") -> dict:
    latencies: list[float] = []
    errors = 0
    remaining = total
    deadline = time.monotonic() + seconds
    encoded = [json.dumps(body).encode() for body in bodies]

    async def client_loop() -> None:
        nonlocal remaining, errors
        conn = (await RawConnection.open(url, "/v1/summaries", encoded) if client_kind == "raw"
                else HttpxConnection(url, bodies))
        try:
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                t0 = time.perf_counter()
                status = await conn.post(remaining)
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


def request_documents(kind: str) -> list[list[dict]]:
    """The documents of each distinct request body (one body unless ``kind`` is "stories")."""
    if kind == "sentence":  # its pipeline costs about 1 ms: the server's CPU is nearly all service layer
        return [[{"id": "a", "text": SENTENCE}]]
    seeds = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if kind == "seeds":
        return [seeds]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from whole_run import story_corpus  # sibling benchmark script

    size = sum(len(d["text"]) for d in seeds)
    sets: list[list[dict]] = [[]]
    for doc_id, text in story_corpus(STORY_MB):
        if sum(len(d["text"]) for d in sets[-1]) >= size:
            sets.append([])
        sets[-1].append({"id": doc_id, "text": text})
    return sets[:-1]  # the last one may be short


#: Enough stories that cycling through them misses the server's caches of per-sentence analyses.
STORY_MB = 3.0


def pipeline_cpu(doc_sets: list[list[dict]], runs: int = 40, repeats: int = 5) -> float:
    """CPU seconds per in-process run of the pipeline on the sets in turn (best of ``repeats``)."""
    sys.path.insert(0, str(ROOT))
    from summarizer import backends
    from summarizer.config.options import SummaryOptions
    from summarizer.config.settings import Settings
    from summarizer.contract.documents import Document
    from summarizer.pipeline import summarize

    inputs = [[Document(id=d["id"], text=d["text"]) for d in docs] for docs in doc_sets]
    options, settings = SummaryOptions(backend="extractive"), Settings(backend="extractive")

    async def measure() -> float:
        backend = backends.create("extractive", settings, options)
        for _ in range(5):  # warm-up: tokenizer, caches
            await summarize(inputs[0], options, settings, backend=backend)
        best, n = float("inf"), 0
        for _ in range(repeats):
            t0 = time.process_time()
            for _ in range(runs):
                n += 1
                await summarize(inputs[n % len(inputs)], options, settings, backend=backend)
            best = min(best, (time.process_time() - t0) / runs)
        return best

    return asyncio.run(measure())


def warm_up(url: str, body: dict, clients: int) -> None:
    """First-use imports and caches, in every worker process the server will start."""
    with ThreadPoolExecutor(clients) as pool:
        for reply in pool.map(lambda _: httpx.post(f"{url}/v1/summaries", json=body, timeout=120), range(20 * clients)):
            reply.raise_for_status()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=128, help="requests per concurrency level")
    ap.add_argument("--seconds", type=float, default=30, help="time cap per level")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the levels this many times, alternating; each figure is the median of its rounds")
    ap.add_argument("--compare", metavar="TREE",
                    help="also serve the package of another checkout (e.g. main's), alternating with this one")
    ap.add_argument("--input", choices=["seeds", "stories", "sentence"], default="seeds",
                    help="seeds: the 5 seed documents (default); stories: a different set of news documents "
                         "of the seeds' size in each request; sentence: one document of one sentence")
    ap.add_argument("--cpu-processes", type=int, metavar="N",
                    help="SUMMARIZER_CPU_PROCESSES for the servers (default: theirs, one per core)")
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw",
                    help="raw: the request encoded once, on plain asyncio streams (default); httpx: httpx.AsyncClient")
    args = ap.parse_args()
    doc_sets = request_documents(args.input)
    bodies = [{"documents": docs, "options": {"backend": "extractive"}} for docs in doc_sets]
    trees = {"this tree": ROOT, **({"compared": Path(args.compare).resolve()} if args.compare else {})}
    runs: dict[str, dict[int, list[dict]]] = {name: {c: [] for c in args.concurrency} for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        servers = {}
        try:
            for name, tree in trees.items():
                workdir = Path(tmp) / str(len(servers))
                workdir.mkdir()
                proc, url = start_server(workdir, workdir / "pipeline.json", tree, args.cpu_processes)
                servers[name] = (proc, url, workdir / "pipeline.json")
                warm_up(url, bodies[0], max(args.concurrency))
            for _ in range(args.rounds):  # alternating, so the neighbours' load falls on each alike
                for clients in args.concurrency:
                    for name, (proc, url, totals_file) in servers.items():
                        runs[name][clients].append(measure_level(proc, url, bodies, clients, args, totals_file))
        finally:
            for proc, _, _ in servers.values():
                proc.terminate()
                proc.wait(15)
    pipeline = pipeline_cpu(doc_sets)
    docs = doc_sets[0]
    chars = round(statistics.fmean(sum(len(d["text"]) for d in docs) for docs in doc_sets))
    print(f"POST /v1/summaries, {len(docs)} {args.input} document(s) ({chars} chars"
          + (f"; {len(doc_sets)} different sets, cycled" if len(doc_sets) > 1 else "") + "), extractive backend, "
          f"{args.client} client, 1 uvicorn worker, {os.cpu_count()} CPUs, Python {platform.python_version()}"
          + (f", SUMMARIZER_CPU_PROCESSES={args.cpu_processes}" if args.cpu_processes is not None else "")
          + (f"; median of {args.rounds} alternating rounds" if args.rounds > 1 else ""))
    for name, levels in runs.items():
        print(f"\n{name} ({trees[name]}):\n")
        print_table([median_row(level) for level in levels.values()])
    if args.compare:
        print("\nRatios, this tree / compared (median rounds): " + "; ".join(
            f"{c} client{'s' if c > 1 else ''}: server CPU {median_row(runs['this tree'][c])['server_cpu'] / median_row(runs['compared'][c])['server_cpu']:.2f}x, "
            f"service layer {service(median_row(runs['this tree'][c])) / service(median_row(runs['compared'][c])):.2f}x, "
            f"requests/s {median_row(runs['this tree'][c])['rps'] / median_row(runs['compared'][c])['rps']:.2f}x"
            for c in args.concurrency))
    print(f"\nThe pipeline alone in this process (no HTTP, after the servers stopped): {pipeline * 1000:.1f} ms CPU per run.")


def service(row: dict) -> float:
    return row["server_cpu"] - row["pipeline_cpu"]


def median_row(level: list[dict]) -> dict:
    """Each figure's median over the rounds of one level."""
    return {key: statistics.median(r[key] for r in level) for key in level[0]}


def print_table(rows: list[dict]) -> None:
    print("| clients | requests | errors | requests/s | p50 ms | p99 ms | server CPU ms/request | of which pipeline "
          "| service layer | client CPU ms/request |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['clients']:.0f} | {r['requests']:.0f} | {r['errors']:.0f} | {r['rps']:.1f} | {r['p50'] * 1000:.0f} | "
              f"{r['p99'] * 1000:.0f} | {r['server_cpu'] * 1000:.2f} | {r['pipeline_cpu'] * 1000:.2f} | "
              f"{service(r) * 1000:.2f} | {r['client_cpu'] * 1000:.2f} |")


def measure_level(proc: subprocess.Popen, url: str, bodies: list[dict], clients: int, args, totals_file: Path) -> dict:
    """One level: requests/s and latencies, with the server's CPU per request and its pipeline's share."""
    pipeline0 = pipeline_totals(proc, totals_file)
    server0, workers0, client0 = process_cpu(proc.pid), workers_cpu(proc.pid), time.process_time()
    row = asyncio.run(run_level(url, bodies, clients, max(args.requests, clients), args.seconds, args.client))
    workers = sum(cpu - workers0.get(pid, 0.0) for pid, cpu in workers_cpu(proc.pid).items())
    row["server_cpu"] = (process_cpu(proc.pid) - server0 + workers) / row["requests"]
    row["client_cpu"] = (time.process_time() - client0) / row["requests"]
    pipeline1 = pipeline_totals(proc, totals_file)
    # Runs in the server process (a request handled alone) are timed there; runs in worker
    # processes are the workers' CPU, with their side of the hand-off. The rest of the server
    # process's CPU is the service layer.
    row["pipeline_cpu"] = (pipeline1 - pipeline0 + workers) / row["requests"]
    return row


if __name__ == "__main__":
    main()
