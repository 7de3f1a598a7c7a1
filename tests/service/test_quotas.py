"""The per-key token bucket, on a clock the test moves."""

from __future__ import annotations

from summarizer.service.quotas import KeyRateLimiter


def test_a_minute_of_burst_then_the_sustained_rate_per_key():
    now = [0.0]
    limiter = KeyRateLimiter(60, clock=lambda: now[0])
    assert all(limiter.take("a") == 0.0 for _ in range(60))
    assert limiter.take("a") == 1.0  # one token a second
    assert limiter.take("b") == 0.0  # another key has its own bucket
    now[0] = 0.5
    assert limiter.take("a") == 0.5
    now[0] = 1.0
    assert limiter.take("a") == 0.0 and limiter.take("a") > 0
    now[0] = 1000.0  # idle for long: back to a full minute, never more
    assert sum(limiter.take("a") == 0.0 for _ in range(100)) == 60
