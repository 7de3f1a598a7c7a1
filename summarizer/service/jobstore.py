"""Job storage: the ``JobStore`` protocol and its SQLite implementation.

The protocol is small on purpose: ``pg_store.PgJobStore`` implements it over PostgreSQL. ``SqliteJobStore``
keeps one connection in WAL mode behind a lock: the service writes from the event loop and from
the worker thread that runs ``corpus.prepare`` (progress), so every call is serialised. A job is
accepted (202) only after ``create`` has committed its input, so a crash never loses it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

from ..contract.documents import documents_label
from ..errors import IdempotencyConflict, JobError, JobNotFound, StorageFull, StoreUnavailable

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
FINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})
STATES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Job:
    id: str
    owner: str  # sha256 of the API key that created it ("" when auth is off); never the key
    status: str
    created_at: str
    updated_at: str
    options: dict[str, Any]
    progress: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # event counter: the SSE ``id:`` of the latest stored state
    error: Optional[dict[str, str]] = None
    attempts: int = 0
    title: str = ""  # what lists show: the first document's title or opening words (documents_label)

    @property
    def finished(self) -> bool:
        return self.status in FINAL


def key_match(row: tuple, key: str, request_hash: str) -> str:
    """The job id a stored (request_hash, job_id) row gives for this request, or IdempotencyConflict."""
    if row[0] != request_hash:
        raise IdempotencyConflict(f"Idempotency-Key {key[:100]!r} was used for a different request "
                                  f"(job {row[1]}); use a new key for a new request", field="Idempotency-Key")
    return row[1]


#: A check of the owner's active job count, run in the job's insert transaction (raises to refuse).
Admit = Callable[[int], None]


class JobStore(Protocol):
    """Where jobs, their input, progress and result live: a SQLite file, or PostgreSQL (pg_store)."""

    # ``admit(n)``, if given, runs inside the insert's transaction with the owner's number of
    # queued or running jobs, serialised per owner across processes; it raises to refuse the job.
    def create(self, owner: str, documents: list[dict], options: dict, webhook_url: Optional[str] = None,
               admit: Optional[Admit] = None) -> Job: ...
    # With an Idempotency-Key: (the job, True) if created now, (the key's job, False) if the key
    # was used before for the same request_hash; IdempotencyConflict for another request.
    def create_once(self, owner: str, documents: list[dict], options: dict, key: str, request_hash: str,
                    webhook_url: Optional[str] = None, admit: Optional[Admit] = None) -> tuple[Job, bool]: ...
    def find_by_key(self, owner: str, key: str, request_hash: str) -> Optional[Job]: ...
    def webhook_url(self, job_id: str) -> Optional[str]: ...
    def delete(self, job_id: str) -> None: ...  # the job, its input, result, key and webhook
    def purge_finished(self, before: str, limit: int = 500) -> list[str]: ...  # jobs finished before ``before``
    def get(self, job_id: str, owner: Optional[str] = None) -> Job: ...
    def documents(self, job_id: str) -> list[dict]: ...
    def result(self, job_id: str) -> Optional[dict]: ...
    def set_status(self, job_id: str, status: str, error: Optional[dict] = None) -> Job: ...
    def set_progress(self, job_id: str, progress: dict) -> int: ...
    def set_result(self, job_id: str, result: dict) -> Job: ...
    def recover(self, max_attempts: int) -> list[str]: ...
    def count_by_status(self) -> dict[str, int]: ...
    def count_active(self, owner: str) -> int: ...  # the owner's jobs queued or running
    def list_jobs(self, owner: str, limit: int, after: Optional[tuple[str, str]] = None,
                  status: Optional[str] = None) -> list[Job]: ...  # newest first; after = (created_at, id)
    def queue_stats(self) -> dict[str, int]: ...  # gauges for /metrics beyond the job counts
    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, options TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '{}', seq INTEGER NOT NULL DEFAULT 0,
    error TEXT, attempts INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS jobs_owner_created ON jobs(owner, created_at, id);
CREATE TABLE IF NOT EXISTS inputs (job_id TEXT PRIMARY KEY REFERENCES jobs(id), documents TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (job_id TEXT PRIMARY KEY REFERENCES jobs(id), result TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs(updated_at) WHERE status IN ('succeeded', 'failed', 'cancelled');
CREATE TABLE IF NOT EXISTS idempotency_keys (owner TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
    job_id TEXT NOT NULL REFERENCES jobs(id), PRIMARY KEY (owner, key));
CREATE INDEX IF NOT EXISTS idempotency_keys_job ON idempotency_keys(job_id);
CREATE TABLE IF NOT EXISTS webhooks (job_id TEXT PRIMARY KEY REFERENCES jobs(id), url TEXT NOT NULL);
"""
#: Every table holding a job's data, children first.
_JOB_TABLES = ("inputs", "results", "idempotency_keys", "webhooks", "jobs")


def store_error(exc: sqlite3.Error, path: Path) -> JobError:
    """SQLite's error as ours: a full disk is a 507 (new work waits for room), a file that cannot
    be read or written a 503, anything else a 500."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    if code == sqlite3.SQLITE_FULL:
        return StorageFull(f"the disk of the job database {path} is full ({exc}); new jobs are refused until "
                           "there is room, and running jobs keep their results in memory until they can be saved")
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY):
        return StoreUnavailable(f"job database {path} unavailable: {exc}")
    return JobError(f"job store error: {exc}")


_QUEUED_PROGRESS = {"stage": QUEUED, "done": 0, "total": 0, "fraction": 0.0}
_COLS = "id, owner, status, created_at, updated_at, options, progress, seq, error, attempts, title"
_COUNT_ACTIVE = "SELECT COUNT(*) FROM jobs WHERE status IN (?, ?) AND owner = ?"


def job_list_query(table: str, mark: str, owner: str, limit: int, after: Optional[tuple[str, str]],
                   status: Optional[str]) -> tuple[str, tuple]:
    """``list_jobs``' statement for either store (``mark``: its parameter placeholder)."""
    sql, params = f"SELECT {_COLS} FROM {table} WHERE owner = {mark}", [owner]
    if status is not None:
        sql, params = sql + f" AND status = {mark}", params + [status]
    if after is not None:
        sql, params = sql + f" AND (created_at, id) < ({mark}, {mark})", params + list(after)
    return sql + f" ORDER BY created_at DESC, id DESC LIMIT {mark}", (*params, limit)


def _add_title_column(db: sqlite3.Connection) -> None:
    """A database file from before job titles gets the column (its old jobs show no title)."""
    db.execute("BEGIN IMMEDIATE")  # two processes opening an old file: one adds it
    try:
        if "title" not in {row[1] for row in db.execute("PRAGMA table_info(jobs)")}:
            db.execute("ALTER TABLE jobs ADD COLUMN title TEXT NOT NULL DEFAULT ''")
    finally:
        db.execute("COMMIT")


class SqliteJobStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db, self._file_id = self._open()

    def _open(self) -> tuple[sqlite3.Connection, tuple[int, int]]:
        """A connection, and the (device, inode) of the file it opened (see ``file_problem``)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process kill
            db.execute("PRAGMA busy_timeout=5000")
            # Deleted rows are overwritten with zeros, so a deleted job's text is gone from the file.
            db.execute("PRAGMA secure_delete=ON")
            db.executescript(_SCHEMA)
            _add_title_column(db)
            st = os.stat(self.path)
        except (sqlite3.Error, OSError) as exc:
            raise JobError(f"cannot open job store {self.path}: {exc}") from exc
        return db, (st.st_dev, st.st_ino)

    # ---------------------------------------------------------------- helpers

    def _run(self, fn):
        """Run ``fn(db)`` in one transaction under the lock; SQLite errors become JobError."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return out
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc

    @staticmethod
    def _job(row) -> Job:
        return Job(id=row[0], owner=row[1], status=row[2], created_at=row[3], updated_at=row[4],
                   options=json.loads(row[5]), progress=json.loads(row[6]), seq=row[7],
                   error=json.loads(row[8]) if row[8] else None, attempts=row[9], title=row[10])

    def _fetch(self, db, job_id: str) -> Job:
        row = db.execute(f"SELECT {_COLS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(f"job {job_id!r} not found")
        return self._job(row)

    # ---------------------------------------------------------------- protocol

    def _insert(self, db, owner: str, documents: list[dict], options: dict, webhook_url: Optional[str],
                admit: Optional[Admit]) -> Job:
        if admit is not None:  # under BEGIN IMMEDIATE: no other process inserts meanwhile
            admit(db.execute(_COUNT_ACTIVE, (QUEUED, RUNNING, owner)).fetchone()[0])
        job_id, ts = uuid.uuid4().hex, now_iso()
        db.execute(f"INSERT INTO jobs ({_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (job_id, owner, QUEUED, ts, ts, json.dumps(options), json.dumps(_QUEUED_PROGRESS), 0, None, 0,
                    documents_label(documents)))
        db.execute("INSERT INTO inputs VALUES (?, ?)", (job_id, json.dumps(documents, ensure_ascii=False)))
        if webhook_url is not None:
            db.execute("INSERT INTO webhooks VALUES (?, ?)", (job_id, webhook_url))
        return self._fetch(db, job_id)

    def create(self, owner: str, documents: list[dict], options: dict, webhook_url: Optional[str] = None,
               admit: Optional[Admit] = None) -> Job:
        return self._run(lambda db: self._insert(db, owner, documents, options, webhook_url, admit))

    def _by_key(self, db, owner: str, key: str, request_hash: str) -> Optional[Job]:
        row = db.execute("SELECT request_hash, job_id FROM idempotency_keys WHERE owner = ? AND key = ?",
                         (owner, key)).fetchone()
        return None if row is None else self._fetch(db, key_match(row, key, request_hash))

    def find_by_key(self, owner: str, key: str, request_hash: str) -> Optional[Job]:
        return self._run(lambda db: self._by_key(db, owner, key, request_hash))

    def create_once(self, owner: str, documents: list[dict], options: dict, key: str, request_hash: str,
                    webhook_url: Optional[str] = None, admit: Optional[Admit] = None) -> tuple[Job, bool]:
        def tx(db):  # BEGIN IMMEDIATE: a concurrent request with the same key waits, then finds it
            job = self._by_key(db, owner, key, request_hash)
            if job is not None:
                return job, False
            job = self._insert(db, owner, documents, options, webhook_url, admit)
            db.execute("INSERT INTO idempotency_keys VALUES (?, ?, ?, ?)", (owner, key, request_hash, job.id))
            return job, True

        return self._run(tx)

    def get(self, job_id: str, owner: Optional[str] = None) -> Job:
        job = self._run(lambda db: self._fetch(db, job_id))
        if owner is not None and job.owner != owner:
            # Same answer as a missing job: another key's job must not be discoverable.
            raise JobNotFound(f"job {job_id!r} not found")
        return job

    def documents(self, job_id: str) -> list[dict]:
        row = self._run(lambda db: db.execute("SELECT documents FROM inputs WHERE job_id = ?", (job_id,)).fetchone())
        if row is None:
            raise JobNotFound(f"input of job {job_id!r} not found")
        return json.loads(row[0])

    def result(self, job_id: str) -> Optional[dict]:
        row = self._run(lambda db: db.execute("SELECT result FROM results WHERE job_id = ?", (job_id,)).fetchone())
        return json.loads(row[0]) if row else None

    def set_status(self, job_id: str, status: str, error: Optional[dict] = None) -> Job:
        def tx(db):
            job = self._fetch(db, job_id)
            if job.finished:
                return job  # a final state is never overwritten (cancel racing completion)
            attempts = job.attempts + 1 if status == RUNNING else job.attempts
            db.execute("UPDATE jobs SET status=?, error=?, attempts=?, updated_at=?, seq=seq+1 WHERE id=?",
                       (status, json.dumps(error) if error else None, attempts, now_iso(), job_id))
            return self._fetch(db, job_id)

        return self._run(tx)

    def set_progress(self, job_id: str, progress: dict) -> int:
        def tx(db):
            db.execute("UPDATE jobs SET progress=?, updated_at=?, seq=seq+1 WHERE id=? AND status=?",
                       (json.dumps(progress), now_iso(), job_id, RUNNING))
            return db.execute("SELECT seq FROM jobs WHERE id=?", (job_id,)).fetchone()[0]

        return self._run(tx)

    def set_result(self, job_id: str, result: dict) -> Job:
        def tx(db):
            job = self._fetch(db, job_id)
            if job.finished:
                return job
            db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (job_id, json.dumps(result, ensure_ascii=False)))
            progress = {"stage": "done", "done": 1, "total": 1, "fraction": 1.0}
            db.execute("UPDATE jobs SET status=?, progress=?, updated_at=?, seq=seq+1 WHERE id=?",
                       (SUCCEEDED, json.dumps(progress), now_iso(), job_id))
            return self._fetch(db, job_id)

        return self._run(tx)

    def hand_back(self, job_id: str) -> bool:
        """A clean shutdown stops a running job: queued again for the next start, and this run
        does not count as an attempt (only unclean deaths do). False when it was not running."""
        def tx(db):
            cur = db.execute("UPDATE jobs SET status=?, progress=?, attempts=MAX(attempts-1, 0), updated_at=?, "
                             "seq=seq+1 WHERE id=? AND status=?",
                             (QUEUED, json.dumps(_QUEUED_PROGRESS), now_iso(), job_id, RUNNING))
            return cur.rowcount == 1

        return self._run(tx)

    def recover(self, max_attempts: int) -> list[str]:
        """After a restart: re-queue unfinished jobs, or fail those that keep dying. Returns queued ids."""
        def tx(db):
            rows = db.execute("SELECT id, attempts FROM jobs WHERE status IN (?, ?) ORDER BY created_at",
                              (QUEUED, RUNNING)).fetchall()
            queued = []
            ts = now_iso()
            for job_id, attempts in rows:
                if attempts >= max_attempts:
                    err = {"code": "interrupted",
                           "message": f"the server stopped during this job {attempts} times; giving up"}
                    db.execute("UPDATE jobs SET status=?, error=?, updated_at=?, seq=seq+1 WHERE id=?",
                               (FAILED, json.dumps(err), ts, job_id))
                else:  # runs again from the start (the LLM reply cache makes repeated calls cheap)
                    db.execute("UPDATE jobs SET status=?, progress=?, updated_at=?, seq=seq+1 WHERE id=?",
                               (QUEUED, json.dumps(_QUEUED_PROGRESS), ts, job_id))
                    queued.append(job_id)
            return queued

        return self._run(tx)

    def count_by_status(self) -> dict[str, int]:
        rows = self._run(lambda db: db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
        counts = {s: 0 for s in STATES}
        counts.update(dict(rows))
        return counts

    def count_active(self, owner: str) -> int:
        return self._run(lambda db: db.execute(_COUNT_ACTIVE, (QUEUED, RUNNING, owner)).fetchone()[0])

    def list_jobs(self, owner: str, limit: int, after: Optional[tuple[str, str]] = None,
                  status: Optional[str] = None) -> list[Job]:
        """The owner's jobs, newest first (``created_at``, then ``id``, both descending), those
        strictly after the ``after`` position in that order; at most ``limit``."""
        sql, params = job_list_query("jobs", "?", owner, limit, after, status)
        rows = self._run(lambda db: db.execute(sql, params).fetchall())
        return [self._job(r) for r in rows]

    def webhook_url(self, job_id: str) -> Optional[str]:
        row = self._run(lambda db: db.execute("SELECT url FROM webhooks WHERE job_id = ?", (job_id,)).fetchone())
        return row[0] if row else None

    def _delete_rows(self, db, job_ids: list[str]) -> None:
        for table in _JOB_TABLES:
            column = "id" if table == "jobs" else "job_id"
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(j,) for j in job_ids])

    def _wipe_wal(self) -> None:
        """Copy the WAL into the file and empty it: the WAL still holds the deleted pages' old images."""
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from exc

    def delete(self, job_id: str) -> None:
        self._run(lambda db: self._delete_rows(db, [job_id]))
        self._wipe_wal()

    def purge_finished(self, before: str, limit: int = 500) -> list[str]:
        def tx(db):
            ids = [r[0] for r in db.execute(
                "SELECT id FROM jobs WHERE status IN (?, ?, ?) AND updated_at < ? ORDER BY updated_at LIMIT ?",
                (*sorted(FINAL), before, limit)).fetchall()]
            self._delete_rows(db, ids)
            return ids

        ids = self._run(tx)
        if ids:
            self._wipe_wal()
        return ids

    def queue_stats(self) -> dict[str, int]:
        return {}  # the in-process runner: summarizer_jobs{state} says it all

    def file_problem(self) -> Optional[str]:
        """None while the path is the file this store opened; "deleted" or "replaced" otherwise."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return "deleted"
        return None if (st.st_dev, st.st_ino) == self._file_id else "replaced"

    def restore_file(self) -> None:
        """The file was deleted while open: write the open database back to its path (never over
        a file that appeared there meanwhile) and use it from now on."""
        with self._lock:
            if self.file_problem() != "deleted":
                return
            tmp = self.path.with_name(f".{self.path.name}.restore-{os.getpid()}")
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp.unlink(missing_ok=True)
                copy = sqlite3.connect(str(tmp))
                try:
                    self._db.backup(copy)
                finally:
                    copy.close()
                os.link(tmp, self.path)  # fails (and the old file stays in use) if one appeared
            except (sqlite3.Error, OSError) as exc:
                raise JobError(f"cannot write the job database back to {self.path}: {exc}") from exc
            finally:
                tmp.unlink(missing_ok=True)
            # Closed before the new connection opens: closing removes the -wal file by name.
            self._db.close()
            self._db, self._file_id = self._open()

    def close(self) -> None:
        with self._lock:
            self._db.close()
