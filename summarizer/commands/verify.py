"""``summarizer verify RESULT.json [--sources PATH...]``: re-read the sources, check every citation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from ..citations import check_result
from ..errors import InputError
from ..ingest import load_documents
from ..models import SummaryResult


def add_parser(sub) -> None:
    p = sub.add_parser("verify", help="check every citation of a result against its sources")
    p.add_argument("result", type=Path, metavar="RESULT.json")
    p.add_argument("--sources", nargs="+", metavar="PATH",
                   help="source files/folders (default: the paths recorded in the result)")
    p.set_defaults(func=run)


def load_result(path: Path) -> SummaryResult:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON result ({exc})") from exc
    try:
        return SummaryResult.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"{path}: not a result of schema version 1 ({where}: {first['msg']})") from exc


def source_texts(result: SummaryResult, result_path: Path, sources: list[str] | None) -> dict[str, str]:
    if sources:
        return {d.id: d.text for d in load_documents(sources)}
    texts: dict[str, str] = {}
    for info in result.sources:
        if not info.path:
            raise InputError(f"source {info.id!r} has no recorded path; give the sources with --sources")
        p = Path(info.path)
        candidates = [p] if p.is_absolute() else [p, result_path.parent / p]
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            raise InputError(f"source {info.id!r}: {info.path} not found; give the sources with --sources")
        for d in load_documents([found]):
            texts[d.id] = d.text
    return texts


def run(args: argparse.Namespace) -> int:
    result = load_result(args.result)
    texts = source_texts(result, args.result, args.sources)
    problems = check_result(result, texts)
    n = sum(len(s.citations) for _, s in result.all_sentences())
    if problems:
        for p in problems:
            print(f"BAD {p}", file=sys.stdout)
        print(f"{len(problems)} problem(s) in {n} citations", file=sys.stderr)
        return 1
    print(f"ok: {n} citations in {len(result.all_sentences())} sentences hold", file=sys.stderr)
    return 0
