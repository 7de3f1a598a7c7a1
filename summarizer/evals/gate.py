"""The gate: per-case thresholds and baseline regressions. Pure.

Thresholds apply to each case, never to a mean, so one bad case cannot hide behind good ones.
Citation validity is not negotiable: any invalid citation fails the case whatever the suite says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .thresholds import HIGHER, METRICS, to_bound

#: Metrics compared with a baseline: the quality scores (deterministic for a fixed backend).
#: Cost metrics (seconds, tokens, calls) vary run to run and are left to thresholds.
BASELINE_METRICS = ["citation_validity", "support_recall", "support_precision", "contradicted_sentences", "rouge1", "rouge2", "rougeL",
                    "facts_recall", "conflicts_recall", "invalid_citations", "uncited_sentences", "junk_cited",
                    "no_cite_violations"]


@dataclass(frozen=True)
class Failure:
    case: str
    metric: str
    value: Optional[float]
    expected: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = "missing" if self.value is None else f"{self.value:g}"
        return f"{self.case}: {self.metric} = {shown}, expected {self.expected}"


def check_thresholds(case: str, values: dict[str, Any], thresholds: dict[str, Any],
                     notes: Optional[dict[str, list[str]]] = None) -> list[Failure]:
    notes = notes or {}
    out: list[Failure] = []
    # Non-negotiable, whatever the thresholds say.
    thresholds = {**thresholds, "invalid_citations": {"max": 0}}
    for metric, raw in thresholds.items():
        bound = to_bound(metric, raw)
        value = values.get(metric)
        details = tuple(notes.get(metric, ()))
        if value is None:
            # e.g. a ROUGE threshold on a case without references: a suite mistake, say so.
            out.append(Failure(case, metric, None, "a value (does the case have what this metric needs?)"))
            continue
        if bound.min is not None and value < bound.min:
            out.append(Failure(case, metric, value, f">= {bound.min:g}", details))
        if bound.max is not None and value > bound.max:
            out.append(Failure(case, metric, value, f"<= {bound.max:g}", details))
    return out


def compare_baseline(current: dict[str, dict[str, Any]], baseline: dict[str, dict[str, Any]],
                     tolerance: float) -> list[Failure]:
    """Regressions of each case present in both runs, metric by metric, beyond ``tolerance``
    (absolute; scores are in [0, 1], counts are whole numbers so any increase > tolerance counts)."""
    out: list[Failure] = []
    for case, values in current.items():
        old = baseline.get(case)
        if old is None:
            continue
        for metric in BASELINE_METRICS:
            now, then = values.get(metric), old.get(metric)
            if now is None or then is None:
                continue
            if METRICS[metric] == HIGHER and now < then - tolerance:
                out.append(Failure(case, metric, now, f">= {then:g} - {tolerance:g} (baseline)"))
            elif METRICS[metric] != HIGHER and now > then + tolerance:
                out.append(Failure(case, metric, now, f"<= {then:g} + {tolerance:g} (baseline)"))
    return out
