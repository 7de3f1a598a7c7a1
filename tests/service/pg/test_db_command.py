"""``summarizer db upgrade|status`` and the schema check at start-up: a clear one-line error."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg

from summarizer.service.pg.schema import SCHEMA_VERSION
from tests.service.api_helpers import ROOT, free_port


def _run(url: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), SUMMARIZER_DATABASE_URL=url, SUMMARIZER_BACKEND="extractive")
    return subprocess.run([sys.executable, "-m", "summarizer", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _new_database(postgres, name: str) -> str:
    with psycopg.connect(postgres.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return postgres.url.rsplit("/", 1)[0] + "/" + name


def test_processes_refuse_an_unupgraded_database_then_upgrade_fixes_it(postgres):
    url = _new_database(postgres, "fresh")
    for args in (("worker",), ("serve", "--port", str(free_port()))):
        proc = _run(url, *args)
        assert proc.returncode == 3, proc.stderr
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert lines[-1].startswith("summarizer: error: the database at postgresql://***@127.0.0.1:")
        assert lines[-1].endswith("has no summarizer schema: run `summarizer db upgrade`")
        assert "Traceback" not in proc.stderr
    status = _run(url, "db", "status")
    assert status.returncode == 1 and "run `summarizer db upgrade`" in status.stdout

    up = _run(url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert "created the job queue schema" in up.stdout and f"schema version {SCHEMA_VERSION}" in up.stdout
    again = _run(url, "db", "upgrade")
    assert again.returncode == 0 and "already current" in again.stdout

    status = _run(url, "db", "status")
    assert status.returncode == 1  # schema fine, but no worker alive
    assert "workers alive: 0" in status.stdout


def test_an_old_schema_is_named_with_both_versions(postgres):
    url = _new_database(postgres, "old")
    assert _run(url, "db", "upgrade").returncode == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE summarizer_schema SET version = '0' WHERE component = 'summarizer'")
    proc = _run(url, "worker")
    assert proc.returncode == 3
    assert "has schema version 0 (procrastinate 3." in proc.stderr and f"needs {SCHEMA_VERSION} (procrastinate" in proc.stderr


def test_a_password_in_the_url_is_never_printed(postgres):
    bad = postgres.url.replace("postgres@", "postgres:s3cret@").rsplit("/", 1)[0] + "/no_such_db"
    proc = _run(bad, "db", "upgrade")
    assert proc.returncode == 3
    assert "s3cret" not in proc.stderr + proc.stdout
    assert "postgresql://***@127.0.0.1" in proc.stderr
