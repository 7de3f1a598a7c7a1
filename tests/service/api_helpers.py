"""Helpers for API tests. A real server: ``python -m summarizer serve`` on a free loopback port.

Each server gets its own SQLite job store in tmp, the extractive backend as default, and the
slow test backend plugin. Logs (JSON lines) go to a file the tests can read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.db_path = workdir / "jobs.sqlite3"
        self.log_path = workdir / "server.log"
        self.extra_env = dict(env or {})
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **env: str) -> "Server":
        self.extra_env.update(env)
        self.port = free_port()
        full = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
        full.update({
            "PYTHONPATH": str(ROOT),
            "SUMMARIZER_DB_PATH": str(self.db_path),
            "SUMMARIZER_DATA_DIR": str(self.workdir),
            "SUMMARIZER_BACKEND": "extractive",
            "SUMMARIZER_PLUGINS": "tests.service.slow_backend",
        })
        full.update(self.extra_env)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "summarizer", "serve", "--port", str(self.port)],
                                     cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start in 30 s")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def read_sse(response: httpx.Response) -> list[dict]:
    """Parse a text/event-stream body into [{"event", "id", "data"}] (pings/comments skipped)."""
    events, current = [], {}
    for line in response.iter_lines():
        if not line:
            if "event" in current or "data" in current:
                events.append(current)
            current = {}
        elif line.startswith(":"):
            continue
        else:
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            current[key] = current.get(key, "") + ("\n" if key == "data" and key in current else "") + value
    if current:
        events.append(current)
    return events


def wait_status(client, job_id: str, statuses: set[str], timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in statuses:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {statuses}: {job}")
