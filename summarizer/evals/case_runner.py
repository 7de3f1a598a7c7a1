"""Running cases: summarize (or take the cached result), score, gate. The CLI and the pytest
helper both come through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from pydantic import ValidationError

from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.result import SummaryResult
from ..errors import InputError
from ..pipeline import summarize
from .gate import Failure, check_thresholds
from .result_cache import ResultCache, cache_key
from .scores import compute, expectation_defaults
from .suite import Case


@dataclass
class CaseOutcome:
    case: str
    backend: str
    values: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    cached: bool = False
    error: Optional[str] = None  # the run itself failed (backend error...): the case fails

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


def options_for(case: Case, backend: str, model: Optional[str]) -> SummaryOptions:
    try:
        return SummaryOptions(**{**case.options, "backend": backend, **({"model": model} if model else {})})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{case.name}: bad options ({'.'.join(map(str, first['loc']))}: {first['msg']})") from exc


def score(case: Case, result: SummaryResult, backend: str,
          extra_thresholds: Optional[dict[str, Any]] = None) -> CaseOutcome:
    """Metrics and gate for one result: usable on any result, e.g. one saved from the REST API.
    ``extra_thresholds`` win over the case's own (used by ``assert_case``)."""
    metrics = compute(case, result)
    thresholds = {**expectation_defaults(case), **case.thresholds(backend), **(extra_thresholds or {})}
    failures = check_thresholds(case.name, metrics.values, thresholds, metrics.notes)
    return CaseOutcome(case.name, backend, metrics.values, failures, metrics.notes)


async def run_case(case: Case, backend: str, settings: Settings, cache: Optional[ResultCache] = None,
                   model: Optional[str] = None,
                   extra_thresholds: Optional[dict[str, Any]] = None) -> tuple[CaseOutcome, SummaryResult]:
    options = options_for(case, backend, model)
    key = cache_key(case.content_hash(), backend, model or settings.model)
    result = cache.get(key) if cache else None
    cached = result is not None
    if result is None:
        result = await summarize(case.documents, options, settings)
        if cache:
            cache.put(key, case.name, result)
    outcome = score(case, result, backend, extra_thresholds)
    outcome.cached = cached
    return outcome, result
