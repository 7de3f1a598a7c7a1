"""``summarizer runs``: the last CLI runs, newest first (time, backend, model, tokens, cost, where
the result went, how the run ended)."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict

from ..errors import InputError
from .configure import make_settings
from .runlog import RunLog, RunRecord, runs_path


def add_parser(sub) -> None:
    p = sub.add_parser("runs", help="list past summarize runs", description="List past `summarize` runs, "
                       "newest first (stored in runs.sqlite3 in SUMMARIZER_DATA_DIR).")
    p.add_argument("-n", "--limit", type=int, default=20, help="how many runs (default 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=run)


def _row(r: RunRecord) -> list[str]:
    cost = "-" if r.cost is None else f"{r.cost:.4f}"
    status = "ok" if r.status == "ok" else f"{r.status} ({r.exit_code})"
    return [time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.started)), r.backend or "-", r.model or "-",
            str(r.documents), str(r.llm_calls), f"{r.prompt_tokens}+{r.completion_tokens}", str(r.cache_hits),
            f"{r.seconds:.1f}", cost, status, r.output]


HEADER = ["time", "backend", "model", "docs", "calls", "tokens", "hits", "seconds", "cost", "status", "output"]


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InputError("--limit must be at least 1", field="limit")
    log = RunLog(runs_path(make_settings().data_dir))
    runs = log.recent(args.limit)
    if args.json:
        for r in runs:
            print(json.dumps(asdict(r), ensure_ascii=False))
        return 0
    if not runs:
        print(f"no runs logged yet ({log.path})")
        return 0
    rows = [HEADER] + [_row(r) for r in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    return 0
