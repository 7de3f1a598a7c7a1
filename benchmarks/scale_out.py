"""Scale-out: jobs/s with 1, 2 and 4 worker processes on PostgreSQL, vs. the critical-path bound.

    python benchmarks/scale_out.py [--jobs 200] [--workers 1 2 4] [--latency 0.5]
                                   [--job-concurrency 4] [--llm-limit 32]

Everything is real and on loopback: a throwaway PostgreSQL, one ``summarizer serve`` (the jobs go
in through HTTP), N ``summarizer worker`` processes, and the fake OpenAI endpoint answering every
call after ``--latency`` seconds with a valid, citing reply. Each job is the 5 documents of seeds/.
The reply cache is off, so every job really calls the endpoint.

Bound (jobs/s) = min(job slots, LLM slots): workers x job-concurrency jobs run at once, each at
least (LLM rounds on its critical path: map, then reduce beside conflicts) x latency long; and the
shared LLM limit allows --llm-limit calls in flight, each job needing (calls per job) x latency of
them. Latency = submit -> final state; overhead = submit -> start (procrastinate's "started"
event), measured under load and, separately, one job at a time on idle workers. CPU s/job is the
CPU time of the API and worker processes per job: with C free cores, C / (CPU s/job) is a third
bound, which a small machine reaches first. Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.service.pg.schema import upgrade  # noqa: E402
from summarizer.testing.fake_openai import FakeOpenAIServer  # noqa: E402
from summarizer.testing.postgres import TempPostgres, free_port  # noqa: E402
from tests.service.pg.test_cluster_llm_limit import citing_handler  # noqa: E402

DOCS = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted((ROOT / "seeds").glob("*.txt"))[:5]]
CRITICAL_ROUNDS = 2  # map (all sources at once), then reduce beside conflicts


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _spawn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as fh:
        return subprocess.Popen([sys.executable, "-m", "summarizer", *args], cwd=ROOT, env=env,
                                stdout=fh, stderr=subprocess.STDOUT)


def _wait_http(url: str, proc: subprocess.Popen) -> None:
    for _ in range(600):
        assert proc.poll() is None, "API process died"
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("API did not start")


def _wait_workers(url: str, n: int) -> None:
    for _ in range(1200):
        with psycopg.connect(url) as conn:
            if conn.execute("SELECT COUNT(*) FROM procrastinate_workers").fetchone()[0] >= n:
                return
        time.sleep(0.1)
    raise RuntimeError("workers did not start")


def _timings(url: str, ids: list[str]) -> list[tuple[float, float, float]]:
    """(created, started, finished) of each job, in seconds since the epoch."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT s.created_at, s.updated_at, EXTRACT(EPOCH FROM MIN(e.at)), s.status FROM summarizer_jobs s "
            "JOIN procrastinate_events e ON e.job_id = s.queue_job_id AND e.type = 'started' "
            "WHERE s.id = ANY(%s) GROUP BY s.id", (ids,)).fetchall()
    assert len(rows) == len(ids) and all(r[3] == "succeeded" for r in rows), "some jobs did not succeed"
    return [(_ts(c), float(s), _ts(u)) for c, u, s, _ in rows]


def _cpu_seconds(procs: list[subprocess.Popen]) -> float:
    """CPU time (user + system) the API and worker processes used so far (Linux /proc)."""
    total = 0.0
    for p in procs:
        fields = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _wait_done(client: httpx.Client, ids: list[str]) -> None:
    pending = set(ids)
    while pending:
        time.sleep(0.2)
        pending = {i for i in pending if client.get(f"/v1/jobs/{i}").json()["status"] not in
                   ("succeeded", "failed", "cancelled")}


def run_config(pg: TempPostgres, llm: FakeOpenAIServer, workers: int, args, workdir: Path) -> dict:
    db = f"bench_w{workers}"
    with psycopg.connect(pg.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db}")
        conn.execute(f"CREATE DATABASE {db}")
    url = pg.url.rsplit("/", 1)[0] + "/" + db
    upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), SUMMARIZER_DATABASE_URL=url, SUMMARIZER_BASE_URL=llm.base_url,
               SUMMARIZER_MODEL="fake", SUMMARIZER_BACKEND="openai", SUMMARIZER_NO_CACHE="1",
               SUMMARIZER_MAX_CONCURRENCY=str(args.llm_limit), SUMMARIZER_DATA_DIR=str(workdir))
    port = free_port()
    procs = [_spawn(["serve", "--port", str(port), "--log-level", "warning"], env, workdir / f"api{workers}.log")]
    procs += [_spawn(["worker", "--concurrency", str(args.job_concurrency), "--log-level", "warning"], env,
                     workdir / f"worker{workers}_{i}.log") for i in range(workers)]
    try:
        api = f"http://127.0.0.1:{port}"
        _wait_http(api, procs[0])
        _wait_workers(url, workers)
        with httpx.Client(base_url=api, timeout=60) as client:
            # Idle overhead: one job at a time, the workers waiting for it.
            probe = []
            for _ in range(args.probes):
                probe.append(client.post("/v1/jobs", json={"documents": DOCS}).json()["id"])
                _wait_done(client, probe[-1:])
            calls_before = llm.calls
            cpu_before = _cpu_seconds(procs)
            t0 = time.time()
            ids = [client.post("/v1/jobs", json={"documents": DOCS}).json()["id"] for _ in range(args.jobs)]
            submit_s = time.time() - t0
            _wait_done(client, ids)
            cpu_per_job = (_cpu_seconds(procs) - cpu_before) / args.jobs
        calls_per_job = (llm.calls - calls_before) / args.jobs
        loaded, idle = _timings(url, ids), _timings(url, probe)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(60)
    wall = max(f for _, _, f in loaded) - min(c for c, _, _ in loaded)
    slots_bound = workers * args.job_concurrency / (CRITICAL_ROUNDS * args.latency)
    llm_bound = args.llm_limit / (calls_per_job * args.latency)
    return {"workers": workers, "jobs_s": args.jobs / wall, "bound": min(slots_bound, llm_bound),
            "binds": "job slots" if slots_bound <= llm_bound else "LLM limit",
            "p50": _pct([f - c for c, _, f in loaded], 0.5), "p99": _pct([f - c for c, _, f in loaded], 0.99),
            "wait_p50": _pct([s - c for c, s, _ in loaded], 0.5),
            "idle_overhead_p50": _pct([s - c for c, s, _ in idle], 0.5) * 1000,
            "idle_overhead_p99": _pct([s - c for c, s, _ in idle], 0.99) * 1000,
            "calls_per_job": calls_per_job, "cpu_per_job": cpu_per_job, "submit_s": submit_s, "max_in_flight": llm.max_in_flight}


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up (processes, PostgreSQL)
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--job-concurrency", type=int, default=4)
    ap.add_argument("--llm-limit", type=int, default=32)
    ap.add_argument("--probes", type=int, default=20)
    args = ap.parse_args()
    rows = []
    with TempPostgres() as pg, tempfile.TemporaryDirectory() as tmp:
        for n in args.workers:
            with FakeOpenAIServer(citing_handler, latency=args.latency) as llm:
                rows.append(run_config(pg, llm, n, args, Path(tmp)))
                print(rows[-1], file=sys.stderr, flush=True)
    print(f"{args.jobs} jobs x {len(DOCS)} documents, LLM latency {args.latency} s, {args.job_concurrency} jobs "
          f"per worker, shared LLM limit {args.llm_limit}; {rows[0]['calls_per_job']:.1f} LLM calls per job\n")
    print("| workers | jobs/s | bound jobs/s (binds) | ratio | p50 latency s | p99 latency s | queue wait p50 s "
          "| idle submit->start p50 / p99 ms | max LLM in flight | CPU s/job |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['jobs_s']:.2f} | {r['bound']:.2f} ({r['binds']}) | {r['jobs_s'] / r['bound']:.2f} "
              f"| {r['p50']:.2f} | {r['p99']:.2f} | {r['wait_p50']:.2f} | {r['idle_overhead_p50']:.0f} / "
              f"{r['idle_overhead_p99']:.0f} | {r['max_in_flight']} | {r['cpu_per_job']:.3f} |")


if __name__ == "__main__":
    main()
