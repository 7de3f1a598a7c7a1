"""The log of past CLI runs (``summarizer runs``): one row per ``summarize`` run in SQLite,
``runs.sqlite3`` in the data folder. Rows hold no document text and no secrets: when, which
backend and model, what it used and cost, which inputs, where the result went, how it ended."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Optional

from ..errors import RunLogError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    seconds REAL NOT NULL,
    status TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    backend TEXT,
    model TEXT,
    documents INTEGER NOT NULL,
    llm_calls INTEGER NOT NULL,
    cache_hits INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost REAL,
    output TEXT NOT NULL,
    inputs TEXT NOT NULL
)
"""


@dataclass
class RunRecord:
    started: float  # Unix time
    seconds: float = 0.0
    status: str = "ok"  # "ok", or the error's code ("llm_unavailable", "interrupted"...)
    exit_code: int = 0
    backend: Optional[str] = None
    model: Optional[str] = None
    documents: int = 0
    llm_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Optional[float] = None
    output: str = "stdout"  # "stdout" or the file written
    inputs: list[str] = field(default_factory=list)
    id: Optional[int] = None


_COLUMNS = [f.name for f in fields(RunRecord) if f.name != "id"]


def runs_path(data_dir: Path) -> Path:
    return Path(data_dir) / "runs.sqlite3"


class RunLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10.0)
            conn.execute(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise RunLogError(f"cannot open the run log {self.path}: {exc}") from exc
        return conn

    def record(self, run: RunRecord) -> int:
        row = asdict(run)
        row["inputs"] = json.dumps(run.inputs, ensure_ascii=False)
        conn = self._connect()
        try:
            with conn:
                cur = conn.execute(f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                                   [row[c] for c in _COLUMNS])
            return int(cur.lastrowid)
        except sqlite3.Error as exc:
            raise RunLogError(f"cannot write the run log {self.path}: {exc}") from exc
        finally:
            conn.close()

    def recent(self, limit: int = 20) -> list[RunRecord]:
        """The last ``limit`` runs, newest first ([] when no run was logged yet)."""
        if not self.path.exists():
            return []
        conn = self._connect()
        try:
            rows = conn.execute(f"SELECT id, {', '.join(_COLUMNS)} FROM runs ORDER BY id DESC LIMIT ?",
                                (limit,)).fetchall()
        except sqlite3.Error as exc:
            raise RunLogError(f"cannot read the run log {self.path}: {exc}") from exc
        finally:
            conn.close()
        out = []
        for rid, *values in rows:
            rec = RunRecord(**dict(zip(_COLUMNS, values)), id=rid)
            rec.inputs = json.loads(rec.inputs) if isinstance(rec.inputs, str) else []
            out.append(rec)
        return out
