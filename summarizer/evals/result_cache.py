"""Result cache for evals: SQLite under ``Settings.data_dir`` (or ``--cache-dir``).

Key = sha256 of (case content hash, backend, model, hash of every prompt file, package version,
hash of the package's source), so an unchanged eval re-runs from the cache without LLM calls, and
editing a prompt or the code, upgrading the package, or changing a document or option re-runs the
case (LLM calls whose requests did not change are still answered by the LLM reply cache). Values are result JSON: metrics
are recomputed on every run, so changing thresholds or metric code never needs a re-run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

import summarizer

from ..backends.llm.prompts import prompt_set_hash
from ..contract.result import SummaryResult, jsonable
from ..errors import EvalError

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the package's own source: a cached result is only reused by the code that made it
    (a cleaning or backend change must re-run the eval, not replay an old verdict)."""
    root = Path(summarizer.__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def package_version() -> str:
    try:
        return version("summarizer")
    except PackageNotFoundError:  # running from a plain checkout
        return "unknown"


def cache_key(content_hash: str, backend: str, model: Optional[str]) -> str:
    parts = [content_hash, backend, model or "", prompt_set_hash(), package_version(), code_hash()]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / "eval-cache.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, case_name TEXT, result TEXT)")
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise EvalError(f"eval cache {self.path}: {exc}") from exc

    def get(self, key: str) -> Optional[SummaryResult]:
        try:
            row = self._db.execute("SELECT result FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise EvalError(f"eval cache {self.path}: {exc}") from exc
        if row is None:
            return None
        try:
            return SummaryResult.model_validate(json.loads(row[0]))
        except (json.JSONDecodeError, ValidationError) as exc:
            # A damaged entry (or one from an older contract) is a miss, said out loud: re-run.
            log.warning("eval cache %s: unusable entry %s, re-running the case (%s)", self.path, key[:12], exc)
            return None

    def put(self, key: str, case_name: str, result: SummaryResult) -> None:
        try:
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                             (key, case_name, json.dumps(jsonable(result), ensure_ascii=False)))
            self._db.commit()
        except sqlite3.Error as exc:
            raise EvalError(f"eval cache {self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()
