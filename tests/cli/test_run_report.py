"""The end-of-run line and its cost (pure)."""

from __future__ import annotations

from summarizer.cli.run_report import run_cost, run_line
from summarizer.contract.result import Stats


def stats(**kw) -> Stats:
    base = dict(backend="openai", model="m", llm_calls=4, prompt_tokens=3000, completion_tokens=500, seconds=12.34)
    return Stats(**{**base, **kw})


def test_no_prices_no_cost():
    assert run_cost(stats(), None, 1.0, "USD") is None
    assert run_line(stats(cache_hits=0), None) == (
        "openai m: 4 LLM calls, 3000 prompt + 500 completion tokens, 0 cache hits, 12.3 s")


def test_cost_at_prices_per_1k():
    cost = run_cost(stats(cache_hits=0), 0.01, 0.03, "USD")
    assert round(cost.amount, 6) == 0.045 and not cost.upper_bound
    assert run_line(stats(cache_hits=0), cost).endswith(", cost 0.0450 USD")


def test_cached_replies_cost_nothing_and_mixed_runs_are_an_upper_bound():
    all_cached = run_cost(stats(llm_calls=0, cache_hits=4), 0.01, 0.03, "EUR")
    assert all_cached.amount == 0 and not all_cached.upper_bound
    mixed = run_cost(stats(llm_calls=2, cache_hits=2), 0.01, 0.03, "EUR")
    assert mixed.upper_bound
    assert run_line(stats(llm_calls=2, cache_hits=2), mixed).endswith(", 2 cache hits, 12.3 s, cost ≤ 0.0450 EUR")


def test_backend_without_model_and_singular_words():
    assert run_line(Stats(backend="extractive", llm_calls=1, cache_hits=1, seconds=0.04), None) == (
        "extractive: 1 LLM call, 0 prompt + 0 completion tokens, 1 cache hit, 0.0 s")
