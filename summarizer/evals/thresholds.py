"""Metric directions and threshold bounds: which way each metric is better, and how a threshold
written in a suite becomes a ``Bound``. Pure; shared by suite loading (which checks thresholds when
it reads a file) and the gate (which applies them).
"""

from __future__ import annotations

from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, model_validator

from ..errors import InputError

HIGHER, LOWER, EITHER = "higher", "lower", "either"

#: Every metric and which way is better. Thresholds and baselines use the direction.
METRICS: dict[str, str] = {
    "citation_validity": HIGHER,  # fraction of citations that hold; any failure fails the case
    "invalid_citations": LOWER,
    "uncited_sentences": LOWER,
    "support_recall": HIGHER,
    "support_precision": HIGHER,
    "contradicted_sentences": LOWER,  # sentences their own citations contradict; default max 0
    "junk_cited": LOWER,
    "rouge1": HIGHER,
    "rouge2": HIGHER,
    "rougeL": HIGHER,
    "redundancy": LOWER,
    "sentences": EITHER,
    "words": EITHER,
    "words_error": LOWER,  # |words - options.words| / options.words; default max 0.1 when a case sets words
    "dangling_sentences": LOWER,  # consolidated sentences opening with a pronoun/connective; default max 0
    "lead_rouge1": HIGHER,  # the Lead baseline on the same case, cut to the summary's length
    "lead_rouge2": HIGHER,
    "lead_rougeL": HIGHER,
    "facts_recall": HIGHER,
    "no_cite_violations": LOWER,
    "conflicts_recall": HIGHER,
    "conflicts": EITHER,
    "llm_calls": LOWER,
    "tokens": LOWER,
    "seconds": LOWER,
}


class Bound(BaseModel):
    """A threshold: ``min`` and/or ``max`` (inclusive)."""

    model_config = ConfigDict(extra="forbid")

    min: Optional[float] = None
    max: Optional[float] = None

    @model_validator(mode="after")
    def _one_side(self) -> "Bound":
        if self.min is None and self.max is None:
            raise ValueError("a threshold needs 'min' or 'max'")
        return self


# A bare number means "min" for higher-is-better metrics and "max" for lower-is-better ones.
ThresholdValue = Union[float, Bound]


def to_bound(metric: str, value: ThresholdValue) -> Bound:
    direction = METRICS.get(metric)
    if direction is None:
        raise InputError(f"unknown metric {metric!r} in thresholds; known: {', '.join(sorted(METRICS))}")
    if isinstance(value, Bound):
        return value
    if isinstance(value, dict):
        return Bound.model_validate(value)
    if direction == EITHER:
        raise InputError(f"threshold for {metric!r} must say min or max, e.g. {{max = {value}}}")
    return Bound(min=value) if direction == HIGHER else Bound(max=value)
