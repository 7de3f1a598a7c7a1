"""``summarizer cite SUMMARY_FILE|- --sources PATH...``: verified citations for a summary written
elsewhere. Exit 0 when every sentence is supported, 1 when any is not, 2 on usage errors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..citing import CiteOptions, cite, jsonable
from ..config.settings import Settings
from ..errors import InputError
from ..io.ingest import load_documents
from ..io.render import citations_markdown
from .output import check_out, write_result

def add_parser(sub) -> None:
    p = sub.add_parser("cite", help="attach verified citations to a summary written elsewhere")
    p.add_argument("summary", metavar="SUMMARY_FILE", help="a text file with the summary, or - for stdin")
    p.add_argument("--sources", nargs="+", required=True, metavar="PATH",
                   help="source files or folders (.txt .md .html .json .jsonl)")
    p.add_argument("--out", type=Path, help="write the report here instead of stdout (- is stdout)")
    p.add_argument("--format", choices=["json", "markdown"], default="json")
    p.add_argument("--judge", action="store_true",
                   help="let the LLM at SUMMARIZER_BASE_URL rule on the evidence (off by default)")
    p.add_argument("--model", help="model for --judge (default: SUMMARIZER_MODEL)")
    p.set_defaults(func=run)


def read_summary(arg: str) -> str:
    if arg == "-":
        return sys.stdin.read()
    path = Path(arg)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder; give the summary as a text file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def run(args: argparse.Namespace) -> int:
    check_out(args.out)
    summary = read_summary(args.summary)
    documents = load_documents(args.sources)
    options = CiteOptions(judge=args.judge, model=args.model)
    report = cite(summary, documents, options, Settings() if args.judge else None)
    body = citations_markdown(report) if args.format == "markdown" else json.dumps(jsonable(report), ensure_ascii=False,
                                                                            indent=2) + "\n"
    if write_result(body.encode("utf-8"), args.out) != "stdout":
        print(f"wrote {args.out}", file=sys.stderr)
    print(f"{report.supported} of {len(report.sentences)} sentences supported "
          f"({report.unsupported} unsupported, {report.contradicted} contradicted)", file=sys.stderr)
    return 0 if report.all_supported else 1
