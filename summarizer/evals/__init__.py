"""Eval harness: suites of cases, metrics, a CI gate, reports and a result cache.

For your own pytest suites::

    from summarizer.evals import assert_case, load_suites
    def test_my_case():
        case = load_suites(["evals/example"])[0].cases[0]
        assert_case(case, backend="extractive")          # runs it, raises AssertionError on failures
        assert_case(case, result=my_result)              # or scores a result you already have
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Optional

from ..config.settings import Settings
from ..contract.result import SummaryResult
from .case_runner import CaseOutcome, run_case, score
from .result_cache import ResultCache
from .suite import Case, Suite, load_suite_file, load_suites
from .thresholds import METRICS, to_bound

__all__ = ["METRICS", "Case", "CaseOutcome", "Suite", "assert_case", "evaluate", "load_suite_file",
           "load_suites", "run_case", "score"]


def evaluate(case: Case, backend: str = "extractive", result: Optional[SummaryResult] = None,
             settings: Optional[Settings] = None, cache_dir: Optional[Path] = None,
             thresholds: Optional[dict[str, Any]] = None) -> CaseOutcome:
    """Score ``result`` against ``case``, or run the case with ``backend`` first (synchronous).
    ``thresholds`` add to / override the case's own for this call only."""
    if thresholds:
        for metric, value in thresholds.items():
            to_bound(metric, value)  # unknown metric or missing direction: InputError now
    if result is not None:
        return score(case, result, backend, thresholds)
    cache = ResultCache(cache_dir) if cache_dir else None
    try:
        return asyncio.run(run_case(case, backend, settings or Settings(), cache, extra_thresholds=thresholds))[0]
    finally:
        if cache:
            cache.close()


def assert_case(case: Case, backend: str = "extractive", result: Optional[SummaryResult] = None,
                thresholds: Optional[dict[str, Any]] = None, **kwargs: Any) -> CaseOutcome:
    """Like ``evaluate`` but raise ``AssertionError`` listing every failed metric (value vs threshold)."""
    outcome = evaluate(case, backend, result, thresholds=thresholds, **kwargs)
    if not outcome.passed:
        lines = [str(f) for f in outcome.failures] + ([outcome.error] if outcome.error else [])
        for f in outcome.failures:
            lines += [f"    {d}" for d in f.details[:5]]
        raise AssertionError("eval case failed:\n" + "\n".join(lines))
    return outcome
