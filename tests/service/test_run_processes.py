"""CPU-bound runs in worker processes (``service/run_processes``): the same results, progress and
errors as in the server process, and no worker left behind (cancelled, killed, closed)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from summarizer import Settings, SummaryOptions, load_documents, summarize
from summarizer.backends import BACKENDS, register
from summarizer.backends.extractive import ExtractiveBackend
from summarizer.contract.documents import Document
from summarizer.errors import InputError, WorkerProcessError
from summarizer.service.cpu_worker import PROGRESS_EVERY
from summarizer.service.pool import BackendPool
from summarizer.service.run_processes import RunProcesses
from tests.service.api_helpers import ROOT, wait_status

SETTINGS = Settings(plugins="tests.service.stuck_backend", cpu_processes=2)
EXTRACTIVE = SummaryOptions(backend="extractive")


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    return load_documents([str(ROOT / "seeds")])


def _without_seconds(result) -> dict:
    data = result.model_dump()
    data["stats"].pop("seconds")
    return data


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _in_workers(work, size: int = 2):
    processes = RunProcesses(SETTINGS, size)
    try:
        return await work(processes)
    finally:
        await processes.aclose()


def test_a_run_in_a_worker_matches_one_in_this_process(seeds):
    here, there = [], []

    async def work(processes):
        result = await processes.summarize(seeds, EXTRACTIVE, "extractive", lambda stage, info: there.append(stage))
        return result, processes.pids()

    result, pids = asyncio.run(_in_workers(work))
    expected = asyncio.run(summarize(seeds, EXTRACTIVE, SETTINGS, lambda stage, info: here.append(stage)))
    assert _without_seconds(result) == _without_seconds(expected)
    assert pids and os.getpid() not in pids
    # Progress is thinned out, never reordered or made up, and the last state always arrives.
    remaining = iter(here)
    assert all(stage in remaining for stage in there)  # a subsequence of ``here``
    assert there[-1] == here[-1] == "done"


def test_progress_comes_at_most_every_progress_every_seconds(seeds):
    times = []

    async def work(processes):
        run = processes.summarize(seeds, SummaryOptions(backend="stuck"), "stuck", lambda *a: times.append(time.monotonic()))
        task = asyncio.ensure_future(run)
        # Until a few reports came, not a fixed time: a worker's start-up on a loaded machine can
        # take longer than any fixed wait.
        deadline = time.monotonic() + 60
        while len(times) < 5 and time.monotonic() < deadline and not task.done():
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(_in_workers(work, size=1))
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) >= 3 and min(gaps) >= PROGRESS_EVERY * 0.9  # the stuck run reports every 0.1 s


def test_concurrent_runs_share_at_most_size_workers(seeds):
    async def work(processes):
        results = await asyncio.gather(*[processes.summarize(seeds, EXTRACTIVE, "extractive", lambda *a: None)
                                         for _ in range(6)])
        return results, processes.pids()

    results, pids = asyncio.run(_in_workers(work))
    assert len(pids) == 2
    assert len({str(_without_seconds(r)) for r in results}) == 1


def test_an_error_crosses_with_its_class_message_and_field():
    clutter = [Document(id="ad", text="Advertisement\nSubscribe now\nAdvertisement\nSubscribe now\n")]
    with pytest.raises(InputError) as here:
        asyncio.run(summarize(clutter, EXTRACTIVE, SETTINGS))
    with pytest.raises(InputError) as there:
        asyncio.run(_in_workers(lambda p: p.summarize(clutter, EXTRACTIVE, "extractive", lambda *a: None)))
    assert (str(there.value), there.value.field) == (str(here.value), here.value.field)
    assert "in the worker process" in there.value.__notes__[-1]  # where it happened, for the log


async def _stuck_run(processes, seeds, then):
    """Start a run on the stuck backend; once it reports progress, ``then(processes, task)``."""
    reported = asyncio.Event()
    task = asyncio.ensure_future(processes.summarize(seeds, SummaryOptions(backend="stuck"), "stuck",
                                                     lambda *a: reported.set()))
    await asyncio.wait_for(reported.wait(), 60)
    return await then(processes, task)


def test_a_cancelled_run_kills_its_worker_and_the_next_run_gets_a_new_one(seeds):
    async def cancel(processes, task):
        [pid] = processes.pids()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not _alive(pid) and processes.pids() == []
        result = await processes.summarize(seeds, EXTRACTIVE, "extractive", lambda *a: None)
        return result, pid, processes.pids()

    result, old, new = asyncio.run(_in_workers(lambda p: _stuck_run(p, seeds, cancel), size=1))
    assert result.consolidated and new and old not in new


def test_a_worker_killed_mid_run_fails_that_run_only(seeds):
    async def kill(processes, task):
        [pid] = processes.pids()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerProcessError, match="signal 9"):
            await task
        return await processes.summarize(seeds, EXTRACTIVE, "extractive", lambda *a: None)

    assert asyncio.run(_in_workers(lambda p: _stuck_run(p, seeds, kill), size=1)).consolidated


def test_closing_ends_every_worker_even_a_busy_one(seeds):
    async def work():
        processes = RunProcesses(SETTINGS, 2)
        pids = await _stuck_run(processes, seeds, lambda p, task: asyncio.sleep(0, p.pids()))
        await processes.summarize(seeds, EXTRACTIVE, "extractive", lambda *a: None)  # the second worker
        pids = processes.pids()
        await processes.aclose()
        return pids

    pids = asyncio.run(work())
    assert len(pids) == 2 and not any(map(_alive, pids))


class CodeOnly(ExtractiveBackend):
    name = "code-only"


def test_a_backend_registered_in_code_only_runs_in_the_server_process(seeds):
    register("code-only", lambda settings, options: CodeOnly())

    async def work():
        pool = BackendPool(SETTINGS)
        try:
            result = await pool.summarize(seeds, SummaryOptions(backend="code-only"), lambda *a: None)
            return result, pool.processes.takes(CodeOnly())
        finally:
            await pool.aclose()

    try:
        result, takes = asyncio.run(work())
    finally:
        BACKENDS.unregister("code-only")
    assert result.stats.backend == "code-only" and result.consolidated and not takes


def test_no_workers_when_set_to_zero(seeds):
    async def work():
        pool = BackendPool(Settings(cpu_processes=0))
        try:
            await pool.summarize(seeds, EXTRACTIVE, lambda *a: None)
            return pool.processes.pids()
        finally:
            await pool.aclose()

    assert asyncio.run(work()) == []


def _workers_of(pid: int) -> list[int]:
    """The worker processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
        except OSError:  # ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"summarizer.service.cpu_worker" in cmdline:
            found.append(int(entry))
    return found


def test_a_request_alone_runs_in_the_server_and_concurrent_ones_in_its_workers(make_server, seed_docs):
    srv = make_server(SUMMARIZER_CPU_PROCESSES="2").start()
    with srv.client() as client:
        alone = [client.post("/v1/summaries", json={"documents": seed_docs}) for _ in range(3)]
        assert _workers_of(srv.proc.pid) == []  # no hand-off while nothing else is in hand
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(lambda _: client.post("/v1/summaries", json={"documents": seed_docs}), range(24)))
    replies = alone + together
    assert [r.status_code for r in replies] == [200] * len(replies)
    assert len({r.json()["consolidated"][0]["text"] for r in replies}) == 1
    workers = _workers_of(srv.proc.pid)
    assert 1 <= len(workers) <= 2
    srv.stop()
    assert not any(map(_alive, workers))


def test_workers_end_when_their_server_is_killed(make_server, seed_docs):
    srv = make_server(SUMMARIZER_CPU_PROCESSES="1").start()
    with srv.client() as client:  # a job always runs in a worker
        job = client.post("/v1/jobs", json={"documents": seed_docs}).json()
        assert wait_status(client, job["id"], {"succeeded", "failed"})["status"] == "succeeded"
    [worker] = _workers_of(srv.proc.pid)
    srv.kill9()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)
