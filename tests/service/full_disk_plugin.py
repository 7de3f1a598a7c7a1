"""Test-only plugin (``SUMMARIZER_PLUGINS``): the job database's disk is full while the file named
by ``SUMMARIZER_TEST_FULL_DISK_FLAG`` exists (see ``disk_helpers.InjectedFullDisk``).

Where a tmpfs cannot be mounted, this stands in for a full filesystem at the store boundary: the
job store's connections are real SQLite connections on a real file, except that INSERT, UPDATE
and DELETE statements raise SQLite's own error for a full disk (``OperationalError`` with
``sqlite_errorcode == SQLITE_FULL``, "database or disk is full"), and the free-space check reads
0 bytes. Reads work, as they do on a full disk.
"""

from __future__ import annotations

import os
import sqlite3

from summarizer.service import jobstore, storage

FLAG = os.environ["SUMMARIZER_TEST_FULL_DISK_FLAG"]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _full_if_writing(sql: str) -> None:
    if os.path.exists(FLAG) and sql.lstrip().upper().startswith(WRITES):
        exc = sqlite3.OperationalError("database or disk is full")
        exc.sqlite_errorcode = sqlite3.SQLITE_FULL
        exc.sqlite_errorname = "SQLITE_FULL"
        raise exc


class FullDiskConnection(sqlite3.Connection):
    def execute(self, sql, *args):
        _full_if_writing(sql)
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        _full_if_writing(sql)
        return super().executemany(sql, *args)


class SqliteWithFullDisk:
    """The sqlite3 module as the job store sees it: the same, with connections that can be full."""

    def __getattr__(self, name):
        return getattr(sqlite3, name)

    @staticmethod
    def connect(*args, **kwargs):
        return sqlite3.connect(*args, factory=FullDiskConnection, **kwargs)


_free_bytes = storage.free_bytes
jobstore.sqlite3 = SqliteWithFullDisk()
storage.free_bytes = lambda path: 0 if os.path.exists(FLAG) else _free_bytes(path)
