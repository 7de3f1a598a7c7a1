"""A real PostgreSQL server for the scale-out tests (one per session), a fresh database per test,
and real ``summarizer serve`` / ``summarizer worker`` processes on loopback."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from summarizer.testing.postgres import PostgresNotFound, TempPostgres
from tests.service.api_helpers import ROOT, Server

_names = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    pg = TempPostgres()
    try:
        pg.start()
    except PostgresNotFound as exc:
        if os.environ.get("CI"):
            raise  # scripts/test.sh installs it; missing in CI is a failure, not a skip
        pytest.skip(str(exc))
    yield pg
    pg.stop()


@pytest.fixture
def db_url(postgres) -> str:
    """A new, upgraded database for this test."""
    name = f"t{os.getpid()}_{next(_names)}"
    with psycopg.connect(postgres.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = postgres.url.rsplit("/", 1)[0] + "/" + name
    from summarizer.service.pg.schema import upgrade

    upgrade(url)
    return url


def cluster_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {"SUMMARIZER_DATABASE_URL": db_url, "SUMMARIZER_WORKER_LEASE_SECONDS": "2",
           "SUMMARIZER_WORKER_DRAIN_SECONDS": "20", "SUMMARIZER_NO_CACHE": "1"}
    env.update(extra)
    return env


class Worker:
    """``python -m summarizer worker`` in a subprocess, its JSON log in a file."""

    def __init__(self, workdir: Path, env: dict[str, str], concurrency: int = 2) -> None:
        self.workdir = workdir
        self.log_path = workdir / f"worker{next(_names)}.log"
        full = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
        full.update({"PYTHONPATH": str(ROOT), "SUMMARIZER_DATA_DIR": str(workdir),
                     "SUMMARIZER_BACKEND": "extractive", "SUMMARIZER_PLUGINS": "tests.service.slow_backend"})
        full.update(env)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "summarizer", "worker", "--concurrency",
                                          str(concurrency)], cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def cluster(tmp_path, db_url):
    """Factory: ``cluster.api(**env)`` and ``cluster.worker(**env)`` on this test's database."""
    started: list = []

    class Cluster:
        url = db_url

        def api(self, **env: str) -> Server:
            workdir = tmp_path / f"api{len(started)}"
            workdir.mkdir()
            srv = Server(workdir, cluster_env(db_url, **env)).start()
            started.append(srv)
            return srv

        def worker(self, concurrency: int = 2, **env: str) -> Worker:
            w = Worker(tmp_path, cluster_env(db_url, **env), concurrency)
            started.append(w)
            return w

    yield Cluster()
    for proc in reversed(started):
        proc.stop()
