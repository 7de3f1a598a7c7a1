"""The one line a CLI run ends with on stderr: what ran, what it used, and what it cost (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..contract.result import Stats


@dataclass(frozen=True)
class Cost:
    amount: float
    currency: str
    #: True when cache hits are part of the token counts: the figure is then an upper bound,
    #: since ``stats`` counts the tokens of cached replies too (they were billed on an earlier run).
    upper_bound: bool


def run_cost(stats: Stats, prompt_per_1k: Optional[float], completion_per_1k: Optional[float],
             currency: str) -> Optional[Cost]:
    """What the run's LLM calls cost at the configured prices, or None without prices."""
    if prompt_per_1k is None or completion_per_1k is None:
        return None
    hits = int(getattr(stats, "cache_hits", 0) or 0)
    if stats.llm_calls == 0:
        return Cost(0.0, currency, upper_bound=False)  # every reply came from the cache
    amount = stats.prompt_tokens / 1000 * prompt_per_1k + stats.completion_tokens / 1000 * completion_per_1k
    return Cost(amount, currency, upper_bound=hits > 0)


def run_line(stats: Stats, cost: Optional[Cost]) -> str:
    """E.g. ``openai llama3.2: 12 LLM calls, 8412 prompt + 1030 completion tokens, 3 cache hits,
    41.2 s, cost 0.0123 USD``."""
    model = f" {stats.model}" if stats.model else ""
    hits = int(getattr(stats, "cache_hits", 0) or 0)
    parts = [
        f"{stats.llm_calls} LLM call{'s' if stats.llm_calls != 1 else ''}",
        f"{stats.prompt_tokens} prompt + {stats.completion_tokens} completion tokens",
        f"{hits} cache hit{'s' if hits != 1 else ''}",
        f"{stats.seconds:.1f} s",
    ]
    if cost is not None:
        parts.append(f"cost {'≤ ' if cost.upper_bound else ''}{cost.amount:.4f} {cost.currency}")
    return f"{stats.backend}{model}: {', '.join(parts)}"
