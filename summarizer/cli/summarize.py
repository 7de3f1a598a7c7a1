"""``summarizer summarize PATH...``: the result on stdout (or ``-o FILE``), progress and one line
saying what the run used on stderr, and a row in the run log (``summarizer runs``)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager

from pydantic import ValidationError

from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.documents import Document
from ..contract.result import SummaryResult
from ..errors import InputError, SummarizerError
from ..io.ingest import SUFFIXES, load_documents
from .. import backends
from ..config.run_config import resolve
from ..pipeline import check_options, summarize, while_opening
from ..plugins import load_plugins
from ..prepare.gcpause import gc_paused
from ..progress import Progress
from .configure import CliRun, resolve_run
from .exit_codes import HELP, exit_code_for
from .malloc import small_pages_for_arrays, tune_malloc_for_one_run
from .output import FORMATS, check_out, choose_format, out_target, render, terminal_width, write_result
from .progress_bar import TerminalProgress
from .run_report import run_cost, run_line
from .runlog import RunLog, RunRecord, runs_path


def add_parser(sub) -> None:
    p = sub.add_parser("summarize", help="summarize documents with cited sentences",
                       description="Summarize documents; every sentence cites exact spans of them.",
                       epilog=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help=f"files or folders ({' '.join(sorted(SUFFIXES))}), or - for standard input")
    p.add_argument("-b", "--backend", help="extractive, openai, local, or a plugin's backend or chat "
                                           "provider (default: local, or openai when an endpoint is configured)")
    p.add_argument("-m", "--model", help="model name, or PROVIDER:MODEL[@URL] with PROVIDER one of "
                                         "ollama, vllm, openai, lmstudio, llamacpp")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    p.add_argument("-o", "--out", type=Path, metavar="FILE",
                   help="write the result here instead of stdout (- is stdout; devices and FIFOs are written into)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--format", choices=FORMATS,
                     help="default: text on a terminal, JSON when piped (or from --out's suffix)")
    fmt.add_argument("--json", action="store_true", help="same as --format json")
    # Ranges are the options' own (SummaryOptions), checked by _options before any file is read.
    p.add_argument("--per-source-sentences", type=int, metavar="N", help="sentences per source (1 to 20; default 3)")
    p.add_argument("--consolidated-sentences", type=int, metavar="N",
                   help="sentences of the overall summary (1 to 40; default 6)")
    p.add_argument("--words", type=int, metavar="N",
                   help="consolidated summary of about N words (20 to 5000; within 10%%, whole sentences); "
                        "per-source summaries get the same share as their sentence counts")
    p.add_argument("--focus", metavar="TEXT", help="a topic or question the summary should answer")
    p.add_argument("--no-conflicts", action="store_true", help="skip conflict finding")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the LLM reply cache")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no end-of-run line on stderr")
    p.set_defaults(func=run)


_FLAGS = {"per_source_sentences": "--per-source-sentences", "consolidated_sentences": "--consolidated-sentences",
          "words": "--words", "focus": "--focus"}


def _options(args: argparse.Namespace, config: CliRun) -> SummaryOptions:
    chosen = {
        "backend": config.backend,
        "model": config.model,
        "per_source_sentences": args.per_source_sentences,
        "consolidated_sentences": args.consolidated_sentences,
        "words": args.words,
        "focus": args.focus,
    }
    try:
        return SummaryOptions(**{k: v for k, v in chosen.items() if v is not None}, find_conflicts=not args.no_conflicts)
    except ValidationError as exc:  # a bad flag value: one line naming the flag (exit 2)
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        msg = first["msg"].removeprefix("Value error, ")
        raise InputError(f"{_FLAGS.get(name, name)}: {msg}", field=f"options.{name}") from None


def _note_unsupported(files: list[Path]) -> None:
    if files:
        names = ", ".join(str(f) for f in files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
        print(f"summarizer: skipped {len(files)} unsupported file{'s' if len(files) > 1 else ''}: {names}",
              file=sys.stderr)


def _finish(result: SummaryResult, args: argparse.Namespace, config: CliRun, record: RunRecord) -> None:
    fmt = choose_format(args.format, args.json, out_target(args.out), sys.stdout.isatty())
    record.output = write_result(render(result, fmt, terminal_width()), args.out)
    st, s = result.stats, config.settings
    cost = run_cost(st, s.price_prompt_per_1k, s.price_completion_per_1k, s.price_currency)
    record.model, record.llm_calls, record.cache_hits = st.model, st.llm_calls, int(getattr(st, "cache_hits", 0) or 0)
    record.prompt_tokens, record.completion_tokens = st.prompt_tokens, st.completion_tokens
    record.cost = cost.amount if cost else None
    for warning in getattr(st, "warnings", None) or []:  # e.g. sources too short for --words
        print(f"summarizer: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        if record.output != "stdout":
            print(f"wrote {args.out}", file=sys.stderr)
        print(run_line(st, cost), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """The command. It is the process's last work, so what is still alive after it (modules,
    caches) is frozen: the collections of the interpreter's exit then skip it (they cost ~0.25 s
    at 10 MB, walking objects spread over the run's memory). An error leaves the heap as it is.
    The C library's allocator and numpy's pages are set for one run first (``malloc.py``)."""
    tune_malloc_for_one_run()
    small_pages_for_arrays()
    code = _run(args)
    gc.freeze()
    return code


def collector_pause(backend: backends.Backend) -> ContextManager[None]:
    """The cyclic collector paused for the rest of a CPU-bound command: a one-shot run keeps
    nearly everything it makes until it writes the result, so each collection would only re-scan
    live objects (0.15 s of collections at 10 MB); its locals, the corpus and the result among
    them, are gone by the time the pause ends. Not for a run that waits on a model for minutes:
    the cyclic garbage of its calls (a retried call's exception holds its frames) must not pile
    up meanwhile. Not for a long-lived process either (``service/heap.py``)."""
    return gc_paused() if backend.cpu_bound else nullcontext()


def _run(args: argparse.Namespace) -> int:
    record = RunRecord(started=time.time(), inputs=[str(p) for p in args.paths])
    config = resolve_run(args.model, args.base_url, args.backend, **({"no_cache": True} if args.no_cache else {}))
    record.backend = config.backend
    record.model = config.model or (config.settings.model if config.backend == "openai" else None)
    try:
        # Everything that can be refused is refused before reading files and calling a model.
        check_out(args.out)
        options = _options(args, config)
        load_plugins(config.settings)  # SUMMARIZER_PLUGINS, as `summarizer serve` does

        def check_and_read() -> list[Document]:
            check_options(options)
            skipped: list[Path] = []
            documents = load_documents(args.paths, on_unsupported=skipped.append)
            _note_unsupported(skipped)
            record.documents = len(documents)
            return documents

        backend = backends.create(resolve(config.settings, options).backend, config.settings, options)
        with collector_pause(backend):
            with TerminalProgress(enabled=not args.quiet) as progress:
                result = run_summary(check_and_read, options, config.settings, progress, backend)
            _finish(result, args, config, record)
            # Frozen before the collector resumes (see ``run``): its first collection would
            # otherwise walk every object the paused run made (~0.09 s at 10 MB), all alive.
            gc.freeze()
    except BaseException as exc:
        record.status = exc.code if isinstance(exc, SummarizerError) else (
            "interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__)
        record.exit_code = exit_code_for(exc)
        raise
    finally:
        record.seconds = round(time.time() - record.started, 3)
        _log(record, config)
    return 0


def run_summary(read: Callable[[], list[Document]], options: SummaryOptions, settings: Settings,
                progress: Progress, backend: backends.Backend) -> SummaryResult:
    """Summarize what ``read`` returns with ``backend``, closed at the end. The backend opens
    meanwhile: the bundled model's server
    starts while ``read`` (in a thread) checks the options, loading the tokenizer, and reads the
    files; it is stopped at once if they are refused.

    ``asyncio.run``, except that the main task does not hold the result: when asyncio.run (3.11)
    restores the SIGINT handler it formats the repr of that task, result included, which for a
    large result costs seconds."""
    results: list[SummaryResult] = []

    async def run() -> None:
        try:
            documents = await while_opening(backend, lambda: asyncio.to_thread(read))
            results.append(await summarize(documents, options, settings, progress, backend=backend))
        finally:
            await backend.aclose()

    asyncio.run(run())
    return results[0]


def _log(record: RunRecord, config: CliRun) -> None:
    try:
        RunLog(runs_path(config.settings.data_dir)).record(record)
    except SummarizerError as exc:
        # The result is out already; a run log that cannot be written must not turn it into a failure.
        print(f"summarizer: warning: run not logged: {exc}", file=sys.stderr)
