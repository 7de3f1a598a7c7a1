"""``summarizer verify RESULT.json [--sources PATH...]``: re-read the sources, check every citation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from ..contract.documents import Document
from ..contract.result import SummaryResult
from ..errors import InputError
from ..evidence.citations import check_result
from ..io.ingest import expand_paths, load_documents


def add_parser(sub) -> None:
    p = sub.add_parser("verify", help="check every citation of a result against its sources")
    p.add_argument("result", type=Path, metavar="RESULT.json")
    p.add_argument("--sources", nargs="+", metavar="PATH",
                   help="source files/folders, JSON/JSONL records, or a saved REST request body "
                        "{\"documents\": [...]} (default: the paths recorded in the result)")
    p.set_defaults(func=run)


def load_result(path: Path) -> SummaryResult:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON result ({exc})") from exc
    # Results saved from elsewhere may be wrapped: an SSE ``result`` event or a job envelope.
    if isinstance(raw, dict) and "schema_version" not in raw and isinstance(raw.get("result"), dict):
        raw = raw["result"]
    try:
        return SummaryResult.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"{path}: not a result of schema version 1 ({where}: {first['msg']})") from exc


def _request_body_documents(path: Path) -> list[Document] | None:
    """Documents of a saved REST request body ``{"documents": [...], "options"?}``, else None."""
    if path.suffix.lower() != ".json":
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # not ours to judge: load_documents reports the problem with its own message
    if not (isinstance(raw, dict) and isinstance(raw.get("documents"), list)):
        return None
    docs = []
    for i, d in enumerate(raw["documents"]):
        if not (isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("text"), str)):
            raise InputError(f"{path}: documents[{i}] needs string 'id' and 'text'")
        docs.append(Document(id=d["id"], text=d["text"], title=d.get("title") or "", path=str(path)))
    return docs


def load_sources(paths: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in expand_paths(paths):
        docs = _request_body_documents(path)
        for d in docs if docs is not None else load_documents([path]):
            if d.id in texts:
                raise InputError(f"{path}: duplicate source id {d.id!r}")
            texts[d.id] = d.text
    return texts


def source_texts(result: SummaryResult, result_path: Path, sources: list[str] | None) -> dict[str, str]:
    if sources:
        return load_sources(sources)
    texts: dict[str, str] = {}
    read: set[Path] = set()
    for info in result.sources:
        if info.id in texts:
            continue  # already read with an earlier record of the same JSON/JSONL file
        if not info.path:
            raise InputError(f"source {info.id!r} has no recorded path; give the sources with --sources")
        p = Path(info.path)
        candidates = [p] if p.is_absolute() else [p, result_path.parent / p]
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            raise InputError(f"source {info.id!r}: {info.path} not found; give the sources with --sources")
        if found in read:
            continue
        read.add(found)
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
