"""``summarizer summarize PATH...``"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import pydantic_core

from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.documents import Document
from ..contract.result import SummaryResult
from ..io.ingest import load_documents
from ..io.render import to_markdown
from ..pipeline import summarize
from ..progress import Progress
from .progress_bar import TerminalProgress


def add_parser(sub) -> None:
    p = sub.add_parser("summarize", help="summarize documents with cited sentences")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (.txt .md .html .json .jsonl)")
    p.add_argument("--backend", help="extractive, openai, local (default: local, or openai when SUMMARIZER_BASE_URL is set)")
    p.add_argument("--model", help="model name for LLM backends")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    p.add_argument("--out", type=Path, help="write the result here instead of stdout")
    p.add_argument("--format", choices=["json", "markdown"], default="json")
    p.add_argument("--per-source-sentences", type=int)
    p.add_argument("--consolidated-sentences", type=int)
    p.add_argument("--no-conflicts", action="store_true", help="skip conflict finding")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the LLM reply cache")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    documents = load_documents(args.paths)
    overrides = {k: v for k, v in {"base_url": args.base_url, "model": args.model}.items() if v}
    if args.no_cache:
        overrides["no_cache"] = True
    settings = Settings(**overrides)
    opts = {
        "backend": args.backend,
        "model": args.model,
        "per_source_sentences": args.per_source_sentences,
        "consolidated_sentences": args.consolidated_sentences,
    }
    options = SummaryOptions(**{k: v for k, v in opts.items() if v is not None}, find_conflicts=not args.no_conflicts)
    with TerminalProgress(enabled=not args.quiet) as progress:
        result = run_summary(documents, options, settings, progress)
    if args.format == "markdown":
        body = to_markdown(result).encode("utf-8")
    else:  # the same bytes as json.dumps(jsonable(result), ensure_ascii=False, indent=2), 4x faster
        body = pydantic_core.to_json(result, indent=2) + b"\n"
    if args.out:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_bytes(body)
        tmp.replace(args.out)  # never leave a half-written result behind
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    return 0


def run_summary(documents: list[Document], options: SummaryOptions, settings: Settings,
                progress: Progress) -> SummaryResult:
    """``asyncio.run(summarize(...))``, except that the main task does not hold the result: when
    asyncio.run (3.11) restores the SIGINT handler it formats the repr of that task, result
    included, which for a large result costs seconds."""
    results: list[SummaryResult] = []

    async def run() -> None:
        results.append(await summarize(documents, options, settings, progress))

    asyncio.run(run())
    return results[0]
