"""``resolve(settings, options) -> RunConfig``: the one place where a run's choices are decided.

Operator settings give defaults; a request's options override them. Everything downstream (the
pipeline, the LLM backend, the chat provider, the service's backend pool) reads the resolved
values from here instead of re-deciding them, so a REST request and a CLI run with the same
options send the same thing upstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .options import SummaryOptions
from .settings import Settings


@dataclass(frozen=True)
class RunConfig:
    backend: str
    #: Model name for LLM backends (None: the endpoint's default, or the local server's alias).
    model: Optional[str]
    temperature: float
    max_output_tokens: int
    context_window: int
    options: SummaryOptions


def resolve(settings: Optional[Settings], options: Optional[SummaryOptions]) -> RunConfig:
    settings = settings or Settings()
    options = options or SummaryOptions()
    return RunConfig(
        backend=options.backend or settings.default_backend(),
        model=options.model or settings.model,
        temperature=settings.temperature if options.temperature is None else options.temperature,
        max_output_tokens=settings.max_output_tokens,
        context_window=settings.context_window,
        options=options,
    )


__all__ = ["RunConfig", "resolve"]
