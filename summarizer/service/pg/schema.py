"""The database schema: procrastinate's tables and ours, created and migrated by ``summarizer db upgrade``.

``summarizer_schema`` records what was applied: our own version (``SCHEMA_VERSION``, migrations in
``MIGRATIONS``) and the level of procrastinate's migrations (the version prefix of its newest
migration file, e.g. 3.4.0). Processes check both at start (``check``) and refuse to run on an old
schema with a one-line error, so a rolling upgrade never runs new code on old tables.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

import psycopg
from procrastinate import schema as pq_schema

from ...errors import StoreUnavailable

#: procrastinate's queue and task for summary jobs (the store counts the queue's rows too).
QUEUE = "summaries"
TASK = "summarizer.run_job"

SCHEMA_VERSION = 3

#: Our migrations: version -> SQL. Never edit a released one; add the next.
MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE summarizer_jobs (
    id text PRIMARY KEY, owner text NOT NULL, status text NOT NULL,
    created_at text NOT NULL, updated_at text NOT NULL, options jsonb NOT NULL,
    progress jsonb NOT NULL, seq integer NOT NULL DEFAULT 0, error jsonb,
    attempts integer NOT NULL DEFAULT 0,
    queue_job_id bigint,   -- the procrastinate job that runs it
    run_id text,           -- the current run; writes of an older (presumed dead) run are refused
    worker text);          -- who runs it (host:pid), for operators
CREATE INDEX summarizer_jobs_status ON summarizer_jobs(status);
CREATE INDEX summarizer_jobs_unqueued ON summarizer_jobs(created_at) WHERE status = 'queued' AND queue_job_id IS NULL;
CREATE TABLE summarizer_inputs (
    job_id text PRIMARY KEY REFERENCES summarizer_jobs(id) ON DELETE CASCADE, documents text NOT NULL);
CREATE TABLE summarizer_results (
    job_id text PRIMARY KEY REFERENCES summarizer_jobs(id) ON DELETE CASCADE, result text NOT NULL);
""",
    2: """
-- GET /v1/jobs: one owner's jobs, newest first, by (created_at, id) cursor.
CREATE INDEX summarizer_jobs_owner_created ON summarizer_jobs(owner, created_at, id);
-- The retention sweep: finished jobs by age.
CREATE INDEX summarizer_jobs_finished ON summarizer_jobs(updated_at) WHERE status IN ('succeeded', 'failed', 'cancelled');
-- Idempotency-Key of POST /v1/jobs, kept as long as its job. The key row is inserted before the
-- job (it decides whether there is a job to create), so the reference is checked at commit.
CREATE TABLE summarizer_idempotency (
    owner text NOT NULL, key text NOT NULL, request_hash text NOT NULL,
    job_id text NOT NULL REFERENCES summarizer_jobs(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (owner, key));
CREATE INDEX summarizer_idempotency_job ON summarizer_idempotency(job_id);
CREATE TABLE summarizer_webhooks (
    job_id text PRIMARY KEY REFERENCES summarizer_jobs(id) ON DELETE CASCADE, url text NOT NULL);
""",
    3: """
-- What lists show for a job (GET /v1/jobs, the page's recent jobs); older jobs have none.
ALTER TABLE summarizer_jobs ADD COLUMN title text NOT NULL DEFAULT '';
""",
}

_META = "CREATE TABLE IF NOT EXISTS summarizer_schema (component text PRIMARY KEY, version text NOT NULL)"
_MIGRATION_FILE = re.compile(r"^(\d+)\.(\d+)\.(\d+)_(\d+)_.*\.sql$")
#: Serialises concurrent `db upgrade` runs (an arbitrary, fixed advisory lock key).
_UPGRADE_LOCK = 7_402_114_001


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable database URL>"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def procrastinate_migrations() -> list[tuple[tuple[int, int, int, int], Path]]:
    """procrastinate's migration files, oldest first, with their (major, minor, patch, n) keys."""
    out = []
    for path in Path(pq_schema.SchemaManager.get_migrations_path()).iterdir():
        m = _MIGRATION_FILE.match(path.name)
        if m:
            out.append((tuple(int(g) for g in m.groups()), path))
    return sorted(out)


def procrastinate_level() -> str:
    """The schema level the installed procrastinate needs: the version of its newest migration."""
    key = procrastinate_migrations()[-1][0]
    return ".".join(str(k) for k in key[:3])


def connect(url: str, **kwargs) -> psycopg.Connection:
    try:
        return psycopg.connect(url, connect_timeout=10, **kwargs)
    except psycopg.Error as exc:
        raise StoreUnavailable(f"cannot connect to the database at {redact(url)}: {first_line(exc)}") from exc


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def applied(conn: psycopg.Connection) -> dict[str, str]:
    """component -> version recorded in summarizer_schema ({} on a database never upgraded)."""
    exists = conn.execute("SELECT to_regclass('summarizer_schema') IS NOT NULL").fetchone()[0]
    if not exists:
        return {}
    return dict(conn.execute("SELECT component, version FROM summarizer_schema").fetchall())


def check(conn: psycopg.Connection, url: str) -> None:
    """Raise a one-line StoreUnavailable when the schema is missing or older than this code needs."""
    have = applied(conn)
    ours = int(have.get("summarizer", 0))
    theirs = have.get("procrastinate")
    need_theirs = procrastinate_level()
    if ours >= SCHEMA_VERSION and theirs is not None and _version_tuple(theirs) >= _version_tuple(need_theirs):
        return
    if not have:
        state = "has no summarizer schema"
    else:
        state = (f"has schema version {ours} (procrastinate {theirs or 'none'}); this summarizer needs "
                 f"{SCHEMA_VERSION} (procrastinate {need_theirs})")
    raise StoreUnavailable(f"the database at {redact(url)} {state}: run `summarizer db upgrade`")


def upgrade(url: str) -> list[str]:
    """Create or migrate everything; returns what was done (empty when already current)."""
    done: list[str] = []
    with connect(url) as conn:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_UPGRADE_LOCK,))
            conn.execute(_META)
            have = applied(conn)
            done += _upgrade_procrastinate(conn, have.get("procrastinate"))
            done += _upgrade_ours(conn, int(have.get("summarizer", 0)))
    return done


def _record(conn: psycopg.Connection, component: str, version: str) -> None:
    conn.execute("INSERT INTO summarizer_schema VALUES (%s, %s) "
                 "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version", (component, version))


def _upgrade_procrastinate(conn: psycopg.Connection, recorded: Optional[str]) -> list[str]:
    level = procrastinate_level()
    present = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()[0]
    if not present:
        conn.execute(pq_schema.SchemaManager.get_schema())
        _record(conn, "procrastinate", level)
        return [f"created the job queue schema (procrastinate {level})"]
    if recorded is None:
        raise StoreUnavailable("the database has procrastinate tables that `summarizer db upgrade` did not "
                               "create, so their version is unknown; migrate them with procrastinate's "
                               "own migrations first")
    if _version_tuple(recorded) > _version_tuple(level):
        raise StoreUnavailable(f"the job queue schema ({recorded}) is newer than this installation "
                               f"(procrastinate {level}): upgrade summarizer instead")
    done = []
    for key, path in procrastinate_migrations():
        if _version_tuple(recorded) < key[:3]:
            conn.execute(path.read_text(encoding="utf-8"))
            done.append(f"applied queue migration {path.name}")
    _record(conn, "procrastinate", level)
    return done


def _upgrade_ours(conn: psycopg.Connection, current: int) -> list[str]:
    if current > SCHEMA_VERSION:
        raise StoreUnavailable(f"the database schema ({current}) is newer than this summarizer "
                               f"({SCHEMA_VERSION}): upgrade summarizer instead")
    done = []
    for version in range(current + 1, SCHEMA_VERSION + 1):
        conn.execute(MIGRATIONS[version])
        done.append(f"applied summarizer schema version {version}")
    _record(conn, "summarizer", str(SCHEMA_VERSION))
    return done
