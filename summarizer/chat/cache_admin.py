"""Looking after the LLM reply cache file (``summarizer cache info|clear``).

Reads the ``replies`` table that ``reply_cache.CachedChatModel`` writes (key, model, reply,
created); ``tests/chat/test_cache_admin.py`` fills a cache through ``CachedChatModel`` itself, so
the two cannot drift apart unnoticed. Neither function creates a cache that does not exist.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import CacheError


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    exists: bool
    entries: int = 0
    size_bytes: int = 0  # the database with its WAL and shared-memory files
    by_model: dict[str, int] = field(default_factory=dict)
    oldest: Optional[float] = None  # Unix time of the oldest / newest entry
    newest: Optional[float] = None


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30.0)
        conn.execute("SELECT 1 FROM replies LIMIT 1")
    except sqlite3.Error as exc:
        raise CacheError(f"{path} is not an LLM reply cache ({exc})") from exc
    return conn


def cache_info(path: Path) -> CacheInfo:
    path = Path(path)
    if not path.exists():
        return CacheInfo(path=path, exists=False)
    conn = _connect(path)
    try:
        by_model = dict(conn.execute("SELECT model, COUNT(*) FROM replies GROUP BY model ORDER BY 2 DESC"))
        oldest, newest = conn.execute("SELECT MIN(created), MAX(created) FROM replies").fetchone()
    except sqlite3.Error as exc:
        raise CacheError(f"LLM reply cache {path} could not be read: {exc}") from exc
    finally:
        conn.close()
    return CacheInfo(path=path, exists=True, entries=sum(by_model.values()), size_bytes=_size(path),
                     by_model=by_model, oldest=oldest, newest=newest)


def clear_cache(path: Path, model: Optional[str] = None) -> int:
    """Delete the cached replies (of one model, if given); returns how many were deleted."""
    path = Path(path)
    if not path.exists():
        return 0
    conn = _connect(path)
    try:
        with conn:
            if model is None:
                removed = conn.execute("DELETE FROM replies").rowcount
            else:
                removed = conn.execute("DELETE FROM replies WHERE model = ?", (model,)).rowcount
        conn.execute("VACUUM")  # give the space back; a cleared cache should be small on disk
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise CacheError(f"LLM reply cache {path} could not be cleared: {exc}") from exc
    finally:
        conn.close()
    return removed
