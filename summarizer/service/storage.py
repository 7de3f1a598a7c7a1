"""Is the SQLite job database able to take new work? Free disk space and the file itself.

New jobs are refused with a 507 (``StorageFull``) while the database's filesystem has less than
``SUMMARIZER_MIN_FREE_DISK_MB`` free: a job stores its input when accepted and its result when
done, so accepting work the disk cannot hold only defers the failure, and the reserve leaves room
for the results of the jobs already running. ``/readyz`` reports the same condition (503).

The database file deleted while the server runs (a temp cleaner, an operator's ``rm``) is
written back from the open connection (``SqliteJobStore.restore_file``), checked every few
seconds and before each new job, so that jobs accepted before and after stay on disk. A file
replaced by another one cannot be repaired from here: new jobs get a 503 and ``/readyz`` says why
until the server is restarted.

With PostgreSQL (``SUMMARIZER_DATABASE_URL``) the database server owns its disk: nothing to check
here (a full disk there, SQLSTATE 53100, is a 507 from the store at once, not a retried outage).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Optional

from ..errors import StorageFull, StoreUnavailable, SummarizerError
from .jobstore import SqliteJobStore

log = logging.getLogger("summarizer.service.storage")
#: Seconds between two checks of the database file in the background.
WATCH_SECONDS = 2.0
MB = 1024 * 1024


def free_bytes(path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


class StorageGuard:
    """Checks for a SQLite store; ``StorageGuard()`` (no store) checks nothing (PostgreSQL)."""

    def __init__(self, store: Optional[SqliteJobStore] = None, min_free_mb: float = 0.0) -> None:
        self.store = store
        self.reserve = int(min_free_mb * MB)

    def check_room(self) -> None:
        """StorageFull when the database's filesystem is below the reserve."""
        if self.store is None or self.reserve <= 0:
            return
        try:
            free = free_bytes(self.store.path.parent)
        except OSError as exc:
            raise StoreUnavailable(f"job database folder {self.store.path.parent}: {exc.strerror or exc}") from exc
        if free < self.reserve:
            raise StorageFull(f"the disk of the job database has {free / MB:.1f} MB free, less than the "
                              f"reserve of {self.reserve / MB:g} MB (SUMMARIZER_MIN_FREE_DISK_MB); new jobs are "
                              "refused until there is room")

    def check_file(self) -> None:
        """Write a deleted database file back; StoreUnavailable when that fails or the file was replaced."""
        if self.store is None:
            return
        problem = self.store.file_problem()
        if problem is None:
            return
        if problem == "deleted":
            try:
                self.store.restore_file()
            except SummarizerError as exc:
                raise StoreUnavailable(f"the job database file {self.store.path} was deleted while the server "
                                       f"ran and could not be written back ({exc}); restart the server") from exc
            log.error("the job database file %s was deleted while the server ran; written back from the "
                      "open connection, no job lost", self.store.path)
            return
        raise StoreUnavailable(f"the job database file {self.store.path} was replaced by another file while "
                               "the server ran; new jobs would not be stored where this server keeps its jobs: "
                               "restart the server")

    def check_new_work(self) -> None:
        """Before accepting a job: the file is in place and the disk has room."""
        self.check_file()
        self.check_room()

    async def watch(self) -> None:
        """Check the database file every ``WATCH_SECONDS`` (a deletion is repaired even when idle)."""
        reported = None
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await asyncio.to_thread(self.check_file)  # writing a large file back takes a while
                reported = None
            except SummarizerError as exc:
                if str(exc) != reported:  # once per new condition, not every two seconds
                    log.error("%s", exc)
                    reported = str(exc)
