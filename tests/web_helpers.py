"""Shared by the browser tests: Debian's Chromium driven by Playwright for Python (never Playwright's
own browser download), a real ``summarizer serve`` on loopback with a temporary SQLite DB and the
extractive backend (plus the test backends of tests/service/slow_backend.py), and helpers to run a
job through the page and read the source view."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("SUMMARIZER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str):
    if IN_CI:
        pytest.fail(f"browser test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path, **env: str):
    port = free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    full.update({"PYTHONPATH": str(ROOT), "SUMMARIZER_DB_PATH": str(workdir / "jobs.sqlite3"),
                 "SUMMARIZER_DATA_DIR": str(workdir), "SUMMARIZER_BACKEND": "extractive", **env})
    log_path = workdir / "server.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "summarizer", "serve", "--port", str(port)],
                                cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start in 30 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # The slow test backend (extractive with a pause per source) lets a job be watched and cancelled.
    proc, url = start_server(tmp_path_factory.mktemp("web"), SUMMARIZER_PLUGINS="tests.service.slow_backend",
                              SUMMARIZER_TEST_SLOW_SECONDS="4.0")  # long enough to cancel on a loaded machine
    yield url
    stop(proc)


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path


def highlight(page, span: dict) -> str:
    """Text of the highlight once the source view shows ``span`` (its text joined if split)."""
    box = f"#source-text[data-source='{span['source_id']}'][data-start='{span['start']}'][data-end='{span['end']}']"
    page.wait_for_selector(f"{box} mark.hl")
    return page.eval_on_selector_all(f"{box} mark.hl", "marks => marks.map(m => m.textContent).join('')")


def in_view(page) -> bool:
    """The highlight is inside the viewport and inside the scrolled source box."""
    return page.evaluate("""() => {
        const m = document.querySelector('#source-text mark.hl').getBoundingClientRect();
        const box = document.getElementById('source-text').getBoundingClientRect();
        return m.top >= Math.max(0, box.top) - 1 && m.bottom <= Math.min(innerHeight, box.bottom) + 1;
    }""")


def add_files(page, files: list[Path], expect: int) -> None:
    """Upload ``files`` and wait until the list holds ``expect`` documents (the server extracts them)."""
    page.set_input_files("#files", [str(p) for p in files])
    # A selector, not wait_for_function: the server's Content-Security-Policy forbids the eval it needs.
    page.wait_for_selector(f"#doc-count:text-is('{expect}')", timeout=60_000)


def run_job(page, server: str, files: list[Path], pasted: str | None = None, expect: int | None = None,
            backend: str = "extractive") -> dict:
    """Upload, start, wait for the result; returns it as the API gives it, with its ``job_id``."""
    page.goto(server + "/")
    page.wait_for_selector(f"#backend option[value={backend}]", state="attached")
    page.select_option("#backend", backend)
    add_files(page, files, len(files) if expect is None else expect)
    if pasted:
        page.fill("#paste-title", "Space news")
        page.fill("#paste", pasted)
        page.click("#add-paste")
    page.click("#start")
    page.wait_for_selector("#result:not([hidden])", timeout=120_000)
    job_id = page.get_attribute("#job-meta", "data-job-id")
    result = httpx.get(f"{server}/v1/jobs/{job_id}/result", timeout=30).json()
    result["job_id"] = job_id
    return result
