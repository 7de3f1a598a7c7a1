"""``summarizer eval [SUITE...]``: run eval suites as a CI gate (exit 1 when any case fails)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ..config.settings import Settings
from ..errors import InputError, SummarizerError
from ..evals.case_runner import CaseOutcome, run_case
from ..evals.gate import compare_baseline
from ..evals.reports import append_step_summary, load_baseline, to_markdown, write_reports
from ..evals.result_cache import ResultCache
from ..evals.suite import load_suites
from ..plugins import load_plugins


def add_parser(sub) -> None:
    p = sub.add_parser("eval", help="run eval suites and gate on per-case thresholds")
    p.add_argument("suites", nargs="*", metavar="SUITE", default=["evals"],
                   help="suite files (.toml/.json) or folders of suite*.toml files (default: evals/)")
    p.add_argument("--backend", default="extractive", help="backend to evaluate (default: extractive)")
    p.add_argument("--model", help="model name for LLM backends")
    p.add_argument("--report", type=Path, metavar="DIR", help="write eval.json, junit.xml and eval.md here")
    p.add_argument("--baseline", type=Path, metavar="FILE", help="an earlier eval.json: fail on regressions")
    p.add_argument("--tolerance", type=float, default=0.02,
                   help="allowed absolute drop of a metric vs the baseline (default 0.02)")
    p.add_argument("--cache-dir", type=Path, help="result cache folder (default: SUMMARIZER_DATA_DIR)")
    p.add_argument("--no-cache", action="store_true", help="always re-run the cases")
    p.add_argument("-k", dest="only", metavar="TEXT", help="only cases whose suite/case name contains TEXT")
    p.set_defaults(func=run)


async def _run_all(cases, backend, settings, cache, model) -> list[CaseOutcome]:
    outcomes = []
    for case in cases:  # one at a time: LLM backends already use the machine fully
        try:
            outcome, _ = await run_case(case, backend, settings, cache, model)
        except SummarizerError as exc:
            # A case whose run fails is a failed case (named in the report), not a crashed gate.
            outcome = CaseOutcome(case.name, backend, {}, error=f"{type(exc).__name__}: {exc}")
        print(f"{'PASS' if outcome.passed else 'FAIL'} {case.name} [{backend}]"
              f"{' (cached)' if outcome.cached else ''}", file=sys.stderr)
        outcomes.append(outcome)
    return outcomes


def run(args: argparse.Namespace) -> int:
    if args.tolerance < 0:
        raise InputError("--tolerance must be >= 0")
    suites = load_suites(args.suites)
    cases = [c for s in suites for c in s.cases if not args.only or args.only in c.name]
    if not cases:
        raise InputError(f"no cases match -k {args.only!r}")
    settings = Settings(**({"model": args.model} if args.model else {}))
    load_plugins(settings)  # SUMMARIZER_PLUGINS, as `summarizer serve` does
    baseline = load_baseline(args.baseline) if args.baseline else None
    cache = None if args.no_cache else ResultCache(args.cache_dir or settings.data_dir)
    try:
        outcomes = asyncio.run(_run_all(cases, args.backend, settings, cache, args.model))
    finally:
        if cache:
            cache.close()
    regressions = compare_baseline({o.case: o.values for o in outcomes}, baseline, args.tolerance) if baseline else []
    markdown = to_markdown(outcomes, regressions)
    sys.stdout.write(markdown)
    if args.report:
        for path in write_reports(args.report, outcomes, regressions):
            print(f"wrote {path}", file=sys.stderr)
    append_step_summary(markdown)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        for f in o.failures:
            print(f"FAIL {f}", file=sys.stderr)
        if o.error:
            print(f"FAIL {o.case}: {o.error}", file=sys.stderr)
    for r in regressions:
        print(f"REGRESSION {r}", file=sys.stderr)
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed"
          + (f", {len(regressions)} regression(s)" if regressions else ""), file=sys.stderr)
    return 1 if failed or regressions else 0
