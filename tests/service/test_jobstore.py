"""SqliteJobStore on a real file: round trip, final states, owners, recovery, threads."""

from __future__ import annotations

import threading
import time

import pytest

from summarizer.errors import JobNotFound
from summarizer.service import jobstore as js

DOCS = [{"id": "a", "text": "Ünïcode\r\ntext — kept exactly.", "title": ""}]


@pytest.fixture
def store(tmp_path):
    s = js.SqliteJobStore(tmp_path / "sub" / "jobs.sqlite3")
    yield s
    s.close()


def test_round_trip_survives_reopen(store, tmp_path):
    job = store.create("owner1", DOCS, {"backend": "extractive"})
    assert job.status == js.QUEUED and job.progress["fraction"] == 0.0
    store.close()
    again = js.SqliteJobStore(tmp_path / "sub" / "jobs.sqlite3")
    assert again.documents(job.id) == DOCS
    assert again.get(job.id).options == {"backend": "extractive"}
    store._db = again._db  # let the fixture close it


def test_owner_isolation(store):
    job = store.create("owner1", DOCS, {})
    assert store.get(job.id, "owner1").id == job.id
    with pytest.raises(JobNotFound):
        store.get(job.id, "owner2")
    with pytest.raises(JobNotFound):
        store.get("missing")


def test_final_state_is_never_overwritten(store):
    job = store.create("", DOCS, {})
    store.set_status(job.id, js.RUNNING)
    store.set_status(job.id, js.CANCELLED)
    assert store.set_result(job.id, {"x": 1}).status == js.CANCELLED
    assert store.set_status(job.id, js.FAILED, {"code": "c", "message": "m"}).status == js.CANCELLED
    assert store.result(job.id) is None


def test_progress_and_seq(store):
    job = store.create("", DOCS, {})
    store.set_status(job.id, js.RUNNING)
    seq1 = store.set_progress(job.id, {"stage": "prepare", "done": 1, "total": 2, "fraction": 0.1})
    seq2 = store.set_progress(job.id, {"stage": "prepare", "done": 2, "total": 2, "fraction": 0.15})
    assert seq2 > seq1
    assert store.get(job.id).progress["done"] == 2
    done = store.set_result(job.id, {"ok": True})
    assert done.status == js.SUCCEEDED and done.progress["fraction"] == 1.0 and done.seq > seq2
    assert store.result(job.id) == {"ok": True}


def test_recover_requeues_then_gives_up(store):
    job = store.create("", DOCS, {})
    other = store.create("", DOCS, {})
    store.set_status(other.id, js.RUNNING)
    store.set_result(other.id, {})
    for attempt in range(1, 4):
        store.set_status(job.id, js.RUNNING)
        assert store.get(job.id).attempts == attempt
        queued = store.recover(max_attempts=3)
        if attempt < 3:
            assert queued == [job.id] and store.get(job.id).status == js.QUEUED
    assert queued == []
    failed = store.get(job.id)
    assert failed.status == js.FAILED and failed.error["code"] == "interrupted"
    assert store.count_by_status()[js.SUCCEEDED] == 1


def test_concurrent_writers(store):
    jobs = [store.create("", DOCS, {}) for _ in range(4)]
    for j in jobs:
        store.set_status(j.id, js.RUNNING)

    def work(job_id):
        for i in range(50):
            store.set_progress(job_id, {"stage": "map", "done": i, "total": 50, "fraction": i / 50})

    threads = [threading.Thread(target=work, args=(j.id,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(store.get(j.id).progress["done"] == 49 for j in jobs)


def test_hand_back_requeues_without_counting_the_attempt(store):
    job = store.create("", DOCS, {})
    assert store.set_status(job.id, js.RUNNING).attempts == 1
    assert store.hand_back(job.id) is True
    back = store.get(job.id)
    assert back.status == js.QUEUED and back.attempts == 0
    assert store.hand_back(job.id) is False  # only a running job is handed back


def test_deleted_file_is_written_back_with_every_job(store, tmp_path):
    before = store.create("o", DOCS, {})
    for suffix in ("", "-wal", "-shm"):  # what `rm jobs.sqlite3*` takes
        (tmp_path / "sub" / f"jobs.sqlite3{suffix}").unlink(missing_ok=True)
    after_delete = store.create("o", DOCS, {})  # lands in the open (deleted) file
    assert store.file_problem() == "deleted"
    store.restore_file()
    assert store.file_problem() is None
    last = store.create("o", DOCS, {})
    reopened = js.SqliteJobStore(tmp_path / "sub" / "jobs.sqlite3")
    try:
        for job in (before, after_delete, last):
            assert reopened.get(job.id).status == js.QUEUED
            assert reopened.documents(job.id) == DOCS
    finally:
        reopened.close()


def test_replaced_file_is_reported_not_overwritten(store, tmp_path):
    path = tmp_path / "sub" / "jobs.sqlite3"
    path.unlink()
    path.write_bytes(b"someone else's file")
    assert store.file_problem() == "replaced"
    store.restore_file()  # does nothing: never over another file
    assert path.read_bytes() == b"someone else's file"


def test_purge_deletes_only_finished_jobs_older_than_the_cutoff(store):
    old = [store.create("", DOCS, {}) for _ in range(3)]
    for job in old:
        store.set_status(job.id, js.CANCELLED)
    unfinished = store.create("", DOCS, {})
    time.sleep(0.005)  # timestamps have millisecond resolution
    cutoff = js.now_iso()
    time.sleep(0.005)
    newer = store.create("", DOCS, {})
    store.set_status(newer.id, js.FAILED, {"code": "c", "message": "m"})
    assert sorted(store.purge_finished(cutoff, limit=2) + store.purge_finished(cutoff)) == sorted(j.id for j in old)
    assert store.purge_finished(cutoff) == []
    for job in old:
        with pytest.raises(JobNotFound):
            store.get(job.id)
    assert store.get(unfinished.id).status == js.QUEUED and store.get(newer.id).status == js.FAILED


def test_idempotency_keys_are_per_owner_and_go_with_the_job(store):
    from summarizer.errors import IdempotencyConflict

    job, created = store.create_once("o1", DOCS, {}, "k", "h1")
    assert created and store.create_once("o1", DOCS, {}, "k", "h1") == (store.get(job.id), False)
    with pytest.raises(IdempotencyConflict):
        store.create_once("o1", DOCS, {}, "k", "h2")
    other, created = store.create_once("o2", DOCS, {}, "k", "h2")
    assert created and other.id != job.id
    store.set_status(job.id, js.CANCELLED)
    store.delete(job.id)
    assert store.find_by_key("o1", "k", "h2") is None
    with pytest.raises(JobNotFound):
        store.documents(job.id)


def test_active_job_limit_is_checked_inside_the_insert_transaction(tmp_path):
    # Two stores on one file, as two API processes: the second's count waits for the first's
    # insert, so of two requests racing for the last slot exactly one gets it.
    from tests.service.active_limit_race import assert_one_gets_the_last_slot

    assert_one_gets_the_last_slot(js.SqliteJobStore(tmp_path / "jobs.sqlite3"), js.SqliteJobStore(tmp_path / "jobs.sqlite3"))


def test_a_database_file_from_before_titles_gets_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, status TEXT NOT NULL, "
                      "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, options TEXT NOT NULL, "
                      "progress TEXT NOT NULL DEFAULT '{}', seq INTEGER NOT NULL DEFAULT 0, error TEXT, "
                      "attempts INTEGER NOT NULL DEFAULT 0);"
                      "INSERT INTO jobs VALUES ('j1', 'o', 'succeeded', 't', 't', '{}', '{}', 0, NULL, 1);")
    old.close()
    s = js.SqliteJobStore(path)
    try:
        assert s.get("j1").title == ""  # an old job: no title, nothing lost
        assert s.create("o", [{"id": "a", "title": "T", "text": "x"}], {}).title == "T"
    finally:
        s.close()

