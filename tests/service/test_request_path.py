"""Per-request work of the service layer: nothing a request does that does not depend on it.

The figures are in docs/benchmarks.md ("REST service", ``benchmarks/service.py``); these tests
hold the properties those figures rest on.
"""

from __future__ import annotations

import gc
import inspect
import sys

from fastapi.routing import APIRoute

from summarizer.service.extract_route import router as extract_router
from summarizer.service.heap import tune_for_requests
from summarizer.service.routes import router
from summarizer.service.routes_jobs import router as jobs_router


def _blocking_calls(dependant, route: str, out: set[tuple[str, str]]) -> None:
    call = dependant.call
    if call is not None and not (inspect.iscoroutinefunction(call)
                                 or inspect.iscoroutinefunction(getattr(call, "__call__", None))):
        out.add((route, getattr(call, "__name__", type(call).__name__)))
    for sub in dependant.dependencies:
        _blocking_calls(sub, route, out)


def test_no_route_or_dependency_runs_in_the_worker_thread_pool():
    # FastAPI runs a plain ``def`` endpoint or dependency in its worker-thread pool: two thread
    # hand-offs (and GIL hand-offs) per request for what takes microseconds (auth, rate limit).
    # Work that may block is moved off the loop explicitly (asyncio.to_thread, cpu.run_cpu_bound).
    found: set[tuple[str, str]] = set()
    for api_router in (router, jobs_router, extract_router):
        for route in api_router.routes:
            if isinstance(route, APIRoute):
                _blocking_calls(route.dependant, route.path, found)
    assert not found, sorted(found)


def test_uvicorn_runs_on_httptools_and_uvloop():
    # ``summarizer serve`` leaves uvicorn's choice at "auto", which takes these when installed
    # (declared in pyproject.toml); with h11 and asyncio's loop a request cost more server CPU.
    from uvicorn.loops.auto import auto_loop_factory
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
    if sys.platform != "win32":
        assert auto_loop_factory().__module__.startswith("uvloop")


def test_the_server_collector_skips_start_up_objects_and_keeps_its_thresholds():
    before = gc.get_threshold()
    try:
        tune_for_requests()
        assert gc.get_freeze_count() > 1000  # the imported application
        assert gc.get_threshold() == before  # higher ones let cyclic garbage pile up (the soak test)
        assert gc.isenabled()  # cycles are still collected
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_collector_is_tuned_once_the_services_are_up(tmp_path):
    # The freeze comes after the job store, runner and webhook client exist (and the modules they
    # import), so full collections do not walk them on every run: ``summarizer serve`` passes
    # ``tune_for_requests`` as ``on_ready``.
    import asyncio

    from summarizer.config.settings import Settings
    from summarizer.service.app import create_app

    seen: list[bool] = []
    app = create_app(Settings(db_path=str(tmp_path / "jobs.sqlite3"), data_dir=str(tmp_path)),
                     on_ready=lambda: seen.append(app.state.svc.runner is not None))

    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            assert seen == [True]

    asyncio.run(start_and_stop())
    assert seen == [True]


def test_the_default_encoding_is_loaded_before_the_freeze():
    # Loaded by the first request otherwise (about 0.2 s of its time), after the freeze.
    import subprocess

    code = ("from summarizer.service.heap import tune_for_requests; tune_for_requests(); "
            "import gc, tiktoken.registry as r; gc.unfreeze(); print(sorted(r.ENCODINGS))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "cl100k_base" in out
