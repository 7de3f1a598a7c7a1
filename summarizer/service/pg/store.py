"""``PgJobStore``: the ``JobStore`` protocol over PostgreSQL, shared by every API and worker process.

Same contract as ``SqliteJobStore`` (a job is accepted only after its input is committed; a final
state is never overwritten), plus what several processes need:

* every state change sends a NOTIFY on ``EVENTS_CHANNEL`` in the same transaction, so each API
  process can stream progress of jobs that run elsewhere (``pg.events``);
* each run of a job gets a ``run_id``; progress and results of a run that is no longer current (its
  worker was presumed dead and the job re-queued) are refused, so a job completes at most once;
* a lost connection is retried with backoff and logged, then reported as ``StoreUnavailable``.

Calls are synchronous (the ``JobStore`` protocol is), over a thread-safe connection pool; workers
call them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, Callable, Optional, TypeVar

import psycopg
import psycopg.errors
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from ...contract.documents import documents_label
from ...errors import JobError, JobNotFound, StorageFull, StoreUnavailable
from .. import jobstore as js
from .schema import QUEUE, check, first_line, redact

log = logging.getLogger("summarizer.service.pg")
T = TypeVar("T")

EVENTS_CHANNEL = "summarizer_events"
_COLS = "id, owner, status, created_at, updated_at, options, progress, seq, error, attempts, title"
_COUNT_ACTIVE = "SELECT COUNT(*) FROM summarizer_jobs WHERE status IN (%s, %s) AND owner = %s"
_QUEUED_PROGRESS = {"stage": js.QUEUED, "done": 0, "total": 0, "fraction": 0.0}
_DONE_PROGRESS = {"stage": "done", "done": 1, "total": 1, "fraction": 1.0}


def _job(row) -> js.Job:
    return js.Job(id=row[0], owner=row[1], status=row[2], created_at=row[3], updated_at=row[4], options=row[5],
                  progress=row[6], seq=row[7], error=row[8], attempts=row[9], title=row[10])


def _fetch(conn: psycopg.Connection, job_id: str, lock: bool = False) -> js.Job:
    row = conn.execute(f"SELECT {_COLS} FROM summarizer_jobs WHERE id = %s" + (" FOR UPDATE" if lock else ""),
                       (job_id,)).fetchone()
    if row is None:
        raise JobNotFound(f"job {job_id!r} not found")
    return _job(row)


def _admit(conn: psycopg.Connection, owner: str, admit: Optional[js.Admit]) -> None:
    """Run ``admit`` with the owner's active job count, one API process at a time per owner (a
    transaction-scoped advisory lock: two processes cannot both see one slot left)."""
    if admit is None:
        return
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ("active-jobs:" + owner,))
    admit(conn.execute(_COUNT_ACTIVE, (js.QUEUED, js.RUNNING, owner)).fetchone()[0])


def _notify(conn: psycopg.Connection, job: js.Job) -> None:
    """Tell every API process about the job's new state (delivered at commit)."""
    payload: dict[str, Any] = {"job": job.id, "seq": job.seq}
    if job.status == js.SUCCEEDED:
        payload["event"] = "result"  # the result itself is read from the store by whoever streams it
    elif job.finished:
        err = job.error or {"code": job.status, "message": f"job {job.status}"}
        payload.update(event="error", error={"code": err["code"], "message": err["message"][:2000]})
    else:
        payload.update(event="progress", progress=job.progress)
    conn.execute("SELECT pg_notify(%s, %s)", (EVENTS_CHANNEL, json.dumps(payload)))


class PgJobStore:
    def __init__(self, url: str, *, retry_seconds: float = 30.0, max_connections: int = 8) -> None:
        self.url = url
        self.retry_seconds = retry_seconds
        self._pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=False,
                                    check=ConnectionPool.check_connection, name="summarizer-jobs")
        try:
            self._pool.open(wait=True, timeout=10)
        except psycopg.Error as exc:
            self._pool.close()
            raise StoreUnavailable(f"cannot connect to the database at {redact(url)}: {first_line(exc)}") from exc
        try:
            self._run(lambda conn: check(conn, url))
        except BaseException:
            self._pool.close()
            raise

    # ---------------------------------------------------------------- helpers

    def _run(self, fn: Callable[[psycopg.Connection], T]) -> T:
        """``fn(conn)`` in one transaction; a lost connection is retried with backoff, then reported."""
        delay, attempt = 0.2, 0
        deadline = time.monotonic() + self.retry_seconds
        while True:
            try:
                with self._pool.connection() as conn:
                    with conn.transaction():
                        return fn(conn)
            except psycopg.errors.DiskFull as exc:  # SQLSTATE 53100: retrying cannot make room
                raise StorageFull(f"the disk of the job database at {redact(self.url)} is full "
                                  f"({first_line(exc)}); new jobs are refused until there is room") from exc
            except psycopg.OperationalError as exc:  # connection lost / refused, pool timeout, failover
                attempt += 1
                if time.monotonic() + delay > deadline:
                    raise StoreUnavailable(f"job database at {redact(self.url)} unreachable "
                                           f"({attempt} attempts): {first_line(exc)}") from exc
                log.warning("job database call failed (%s); retry %d in %.1f s", first_line(exc), attempt, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
            except psycopg.Error as exc:
                raise JobError(f"job store error: {first_line(exc)}") from exc

    def _update(self, conn: psycopg.Connection, job_id: str, sets: str, params: tuple) -> js.Job:
        row = conn.execute(f"UPDATE summarizer_jobs SET {sets}, updated_at = %s, seq = seq + 1 "
                           f"WHERE id = %s RETURNING {_COLS}", (*params, js.now_iso(), job_id)).fetchone()
        job = _job(row)
        _notify(conn, job)
        return job

    # ---------------------------------------------------------------- the JobStore protocol

    @staticmethod
    def _insert(conn: psycopg.Connection, job_id: str, owner: str, documents: list[dict], options: dict,
                webhook_url: Optional[str]) -> js.Job:
        ts = js.now_iso()
        conn.execute(f"INSERT INTO summarizer_jobs ({_COLS}) VALUES (%s,%s,%s,%s,%s,%s,%s,0,NULL,0,%s) "
                     "ON CONFLICT (id) DO NOTHING",
                     (job_id, owner, js.QUEUED, ts, ts, Jsonb(options), Jsonb(_QUEUED_PROGRESS),
                      documents_label(documents)))
        conn.execute("INSERT INTO summarizer_inputs VALUES (%s, %s) ON CONFLICT (job_id) DO NOTHING",
                     (job_id, json.dumps(documents, ensure_ascii=False)))
        if webhook_url is not None:
            conn.execute("INSERT INTO summarizer_webhooks VALUES (%s, %s) ON CONFLICT (job_id) DO NOTHING",
                         (job_id, webhook_url))
        return _fetch(conn, job_id)

    def create(self, owner: str, documents: list[dict], options: dict, webhook_url: Optional[str] = None,
               admit: Optional[js.Admit] = None) -> js.Job:
        job_id = uuid.uuid4().hex  # chosen once, so a retried insert cannot make a second job

        def tx(conn):
            _admit(conn, owner, admit)
            return self._insert(conn, job_id, owner, documents, options, webhook_url)

        return self._run(tx)

    @staticmethod
    def _by_key(conn: psycopg.Connection, owner: str, key: str, request_hash: str) -> Optional[js.Job]:
        row = conn.execute("SELECT request_hash, job_id FROM summarizer_idempotency WHERE owner = %s AND key = %s",
                           (owner, key)).fetchone()
        return None if row is None else _fetch(conn, js.key_match(row, key, request_hash))

    def find_by_key(self, owner: str, key: str, request_hash: str) -> Optional[js.Job]:
        return self._run(lambda conn: self._by_key(conn, owner, key, request_hash))

    def create_once(self, owner: str, documents: list[dict], options: dict, key: str, request_hash: str,
                    webhook_url: Optional[str] = None, admit: Optional[js.Admit] = None) -> tuple[js.Job, bool]:
        job_id = uuid.uuid4().hex

        def tx(conn):
            # The key first: a concurrent request with the same key waits here for the first one's
            # commit, then inserts nothing and finds that job.
            claimed = conn.execute("INSERT INTO summarizer_idempotency VALUES (%s, %s, %s, %s) ON CONFLICT "
                                   "(owner, key) DO NOTHING RETURNING job_id",
                                   (owner, key, request_hash, job_id)).fetchone()
            if claimed is None:
                return self._by_key(conn, owner, key, request_hash), False
            _admit(conn, owner, admit)  # refusing rolls the claimed key back too
            return self._insert(conn, job_id, owner, documents, options, webhook_url), True

        return self._run(tx)

    def get(self, job_id: str, owner: Optional[str] = None) -> js.Job:
        job = self._run(lambda conn: _fetch(conn, job_id))
        if owner is not None and job.owner != owner:
            raise JobNotFound(f"job {job_id!r} not found")  # another key's job is not discoverable
        return job

    def documents(self, job_id: str) -> list[dict]:
        row = self._run(lambda conn: conn.execute("SELECT documents FROM summarizer_inputs WHERE job_id = %s",
                                                  (job_id,)).fetchone())
        if row is None:
            raise JobNotFound(f"input of job {job_id!r} not found")
        return json.loads(row[0])

    def result(self, job_id: str) -> Optional[dict]:
        row = self._run(lambda conn: conn.execute("SELECT result FROM summarizer_results WHERE job_id = %s",
                                                  (job_id,)).fetchone())
        return json.loads(row[0]) if row else None

    def set_status(self, job_id: str, status: str, error: Optional[dict] = None) -> js.Job:
        def tx(conn):
            job = _fetch(conn, job_id, lock=True)
            if job.finished:
                return job  # a final state is never overwritten (cancel racing completion)
            attempts = job.attempts + 1 if status == js.RUNNING else job.attempts
            return self._update(conn, job_id, "status = %s, error = %s, attempts = %s",
                                (status, Jsonb(error) if error else None, attempts))

        return self._run(tx)

    def set_progress(self, job_id: str, progress: dict) -> int:
        def tx(conn):
            job = _fetch(conn, job_id, lock=True)
            if job.status != js.RUNNING:
                return job.seq
            return self._update(conn, job_id, "progress = %s", (Jsonb(progress),)).seq

        return self._run(tx)

    def set_result(self, job_id: str, result: dict) -> js.Job:
        return self._run(lambda conn: self._store_result(conn, job_id, result))

    def _store_result(self, conn: psycopg.Connection, job_id: str, result: dict) -> js.Job:
        conn.execute("INSERT INTO summarizer_results VALUES (%s, %s) ON CONFLICT (job_id) DO UPDATE "
                     "SET result = EXCLUDED.result", (job_id, json.dumps(result, ensure_ascii=False)))
        return self._update(conn, job_id, "status = %s, progress = %s, run_id = NULL",
                            (js.SUCCEEDED, Jsonb(_DONE_PROGRESS)))

    def recover(self, max_attempts: int) -> list[str]:
        return []  # the queue re-runs jobs of dead workers (pg.worker's reaper), not a restart

    def count_by_status(self) -> dict[str, int]:
        rows = self._run(lambda conn: conn.execute(
            "SELECT status, COUNT(*) FROM summarizer_jobs GROUP BY status").fetchall())
        counts = {s: 0 for s in js.STATES}
        counts.update(dict(rows))
        return counts

    def count_active(self, owner: str) -> int:
        return self._run(lambda conn: conn.execute(_COUNT_ACTIVE, (js.QUEUED, js.RUNNING, owner)).fetchone()[0])

    def list_jobs(self, owner: str, limit: int, after: Optional[tuple[str, str]] = None,
                  status: Optional[str] = None) -> list[js.Job]:
        """As ``SqliteJobStore.list_jobs``: newest first, strictly after ``after`` = (created_at, id)."""
        sql, params = js.job_list_query("summarizer_jobs", "%s", owner, limit, after, status)
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall())
        return [_job(r) for r in rows]

    def webhook_url(self, job_id: str) -> Optional[str]:
        row = self._run(lambda conn: conn.execute("SELECT url FROM summarizer_webhooks WHERE job_id = %s",
                                                  (job_id,)).fetchone())
        return row[0] if row else None

    def delete(self, job_id: str) -> None:
        # Input, result, key and webhook go with the job (ON DELETE CASCADE).
        self._run(lambda conn: conn.execute("DELETE FROM summarizer_jobs WHERE id = %s", (job_id,)))

    def purge_finished(self, before: str, limit: int = 500) -> list[str]:
        rows = self._run(lambda conn: conn.execute(
            "DELETE FROM summarizer_jobs WHERE id IN (SELECT id FROM summarizer_jobs WHERE status IN (%s, %s, %s) "
            "AND updated_at < %s ORDER BY updated_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id",
            (*sorted(js.FINAL), before, limit)).fetchall())
        return [r[0] for r in rows]

    def queue_stats(self) -> dict[str, int]:
        """Cluster-wide: jobs waiting in the queue, jobs running, workers with a fresh heartbeat."""

        def tx(conn):
            depth, running = conn.execute(
                "SELECT COUNT(*) FILTER (WHERE status = 'todo'), COUNT(*) FILTER (WHERE status = 'doing') "
                "FROM procrastinate_jobs WHERE queue_name = %s", (QUEUE,)).fetchone()
            workers = conn.execute("SELECT COUNT(*) FROM procrastinate_workers").fetchone()[0]
            return {"queue_depth": depth, "running": running, "workers": workers}

        return self._run(tx)

    # ---------------------------------------------------------------- runs (pg.worker)

    def _current_run(self, conn: psycopg.Connection, job_id: str, run_id: str) -> bool:
        row = conn.execute("SELECT status, run_id FROM summarizer_jobs WHERE id = %s FOR UPDATE", (job_id,)).fetchone()
        return row is not None and row[0] == js.RUNNING and row[1] == run_id

    def start_run(self, job_id: str, queue_job_id: int, worker: str,
                  max_attempts: int) -> tuple[js.Job, Optional[str]]:
        """Mark the job running under a new run id; the id is None when it must not run.

        ``attempts`` counts runs that did not end cleanly (a hand-back gives its attempt back), so a
        job found with ``max_attempts`` already has killed that many workers: it is failed, its
        input kept for inspection.
        """
        run_id = uuid.uuid4().hex

        def tx(conn):
            job = _fetch(conn, job_id, lock=True)
            if job.finished:
                return job, None
            if job.attempts >= max_attempts:
                err = {"code": "interrupted", "message": f"a worker stopped during this job {job.attempts} "
                       "times; giving up (the input is kept)"}
                return self._update(conn, job_id, "status = %s, error = %s, run_id = NULL",
                                    (js.FAILED, Jsonb(err))), None
            job = self._update(conn, job_id, "status = %s, attempts = attempts + 1, run_id = %s, queue_job_id = %s, "
                               "worker = %s, progress = %s", (js.RUNNING, run_id, queue_job_id, worker,
                                                              Jsonb(_QUEUED_PROGRESS)))
            return job, run_id

        return self._run(tx)

    def write_progress(self, job_id: str, run_id: str, progress: dict) -> bool:
        """Store progress of the current run; False when the run is no longer current (cancelled...)."""
        def tx(conn):
            if not self._current_run(conn, job_id, run_id):
                return False
            self._update(conn, job_id, "progress = %s", (Jsonb(progress),))
            return True

        return self._run(tx)

    def finish_run(self, job_id: str, run_id: str, result: dict) -> Optional[js.Job]:
        """Store the result of the current run (None: not current any more, nothing written)."""
        def tx(conn):
            if not self._current_run(conn, job_id, run_id):
                return None
            return self._store_result(conn, job_id, result)

        return self._run(tx)

    def fail_run(self, job_id: str, run_id: str, error: dict) -> Optional[js.Job]:
        def tx(conn):
            if not self._current_run(conn, job_id, run_id):
                return None
            return self._update(conn, job_id, "status = %s, error = %s, run_id = NULL", (js.FAILED, Jsonb(error)))

        return self._run(tx)

    def hand_back(self, job_id: str, run_id: str) -> bool:
        """A draining worker gives the job back to the queue: queued again, this attempt not counted."""
        def tx(conn):
            if not self._current_run(conn, job_id, run_id):
                return False
            self._update(conn, job_id, "status = %s, attempts = GREATEST(attempts - 1, 0), run_id = NULL, "
                         "progress = %s", (js.QUEUED, Jsonb(_QUEUED_PROGRESS)))
            return True

        return self._run(tx)

    def queue_job_id(self, job_id: str) -> Optional[int]:
        row = self._run(lambda conn: conn.execute("SELECT queue_job_id FROM summarizer_jobs WHERE id = %s",
                                                  (job_id,)).fetchone())
        return row[0] if row else None

    def mark_queued(self, job_id: str, queue_job_id: int) -> None:
        self._run(lambda conn: conn.execute("UPDATE summarizer_jobs SET queue_job_id = %s WHERE id = %s "
                                            "AND queue_job_id IS NULL", (queue_job_id, job_id)))

    def unqueued(self, older_than: float) -> list[str]:
        """Jobs stored but never handed to the queue (their API process died in between)."""
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - older_than))
        rows = self._run(lambda conn: conn.execute(
            "SELECT id FROM summarizer_jobs WHERE status = %s AND queue_job_id IS NULL AND created_at < %s "
            "ORDER BY created_at LIMIT 100", (js.QUEUED, cutoff)).fetchall())
        return [r[0] for r in rows]

    def requeue_orphans(self, older_than: float) -> list[str]:
        """Unfinished jobs whose queue entry is gone or over (e.g. the database was lost mid-run):
        back to ``queued`` without a queue entry, so ``unqueued`` hands them to the queue again."""
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - older_than))

        def tx(conn):
            rows = conn.execute(
                "SELECT s.id FROM summarizer_jobs s LEFT JOIN procrastinate_jobs p ON p.id = s.queue_job_id "
                "WHERE s.status IN (%s, %s) AND s.queue_job_id IS NOT NULL AND s.updated_at < %s "
                "AND (p.id IS NULL OR p.status NOT IN ('todo', 'doing')) FOR UPDATE OF s",
                (js.QUEUED, js.RUNNING, cutoff)).fetchall()
            for (job_id,) in rows:
                self._update(conn, job_id, "status = %s, queue_job_id = NULL, run_id = NULL, progress = %s",
                             (js.QUEUED, Jsonb(_QUEUED_PROGRESS)))
            return [r[0] for r in rows]

        return self._run(tx)

    def close(self) -> None:
        self._pool.close()
