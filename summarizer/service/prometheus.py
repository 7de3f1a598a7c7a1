"""Prometheus metrics of one app instance (own registry, so tests can build several apps)."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
#: Every other method a client sends is counted as "other": labels come from a fixed set, never
#: from the request, so no client can grow the registry (each label set lives for the process).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
OTHER = "other"
_TOKEN_KINDS = ("prompt_tokens", "completion_tokens", "source_tokens", "deduped_tokens")


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.requests = Counter("summarizer_http_requests", "HTTP requests", ["method", "route", "status"], registry=r)
        self.latency = Histogram("summarizer_http_request_seconds", "HTTP request latency", ["method", "route"],
                                 buckets=_LATENCY_BUCKETS, registry=r)
        self.jobs = Gauge("summarizer_jobs", "Jobs in the store by state", ["state"], registry=r)
        self.jobs_finished = Counter("summarizer_jobs_finished", "Jobs finished by this process", ["state"], registry=r)
        self.job_wait = Histogram("summarizer_job_queue_seconds", "Time a job waited for a run slot",
                                  buckets=_LATENCY_BUCKETS, registry=r)
        self.job_run = Histogram("summarizer_job_run_seconds", "Time a job ran", buckets=_LATENCY_BUCKETS, registry=r)
        # With PostgreSQL, cluster-wide: queue_depth (waiting), running, workers (live heartbeats).
        self.queue = Gauge("summarizer_queue", "Job queue of all workers", ["measure"], registry=r)
        self.summaries = Counter("summarizer_summaries", "Summaries produced (sync and jobs)", ["backend"], registry=r)
        self.llm_calls = Counter("summarizer_llm_calls", "LLM calls made for summaries", ["backend"], registry=r)
        self.tokens = Counter("summarizer_tokens", "Tokens by kind (from result stats)", ["backend", "kind"], registry=r)
        # (method, route, status) -> its request counter and latency histogram: looked up once per
        # label set, not on every request (``labels()`` checks and hashes the values each time).
        # Bounded like the registry: every part comes from a fixed set.
        self._request_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        # backend -> its summaries and LLM-call counters and token counters by kind, the same way
        # (backend names come from the registry, a fixed set).
        self._result_series: dict[str, tuple[Any, Any, list[tuple[str, Any]]]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """``route`` must be a route template or another fixed name (the middleware's job)."""
        key = (method if method in METHODS else OTHER, route, status)
        series = self._request_series.get(key)
        if series is None:
            series = self._request_series[key] = (self.requests.labels(key[0], route, str(status)),
                                                  self.latency.labels(key[0], route))
        series[0].inc()
        series[1].observe(seconds)

    def job_finished(self, state: str) -> None:
        self.jobs_finished.labels(state).inc()

    def observe_result(self, result: dict) -> None:
        stats = result.get("stats", {})
        backend = str(stats.get("backend", "unknown"))
        series = self._result_series.get(backend)
        if series is None:
            series = self._result_series[backend] = (
                self.summaries.labels(backend), self.llm_calls.labels(backend),
                [(kind, self.tokens.labels(backend, kind.removesuffix("_tokens"))) for kind in _TOKEN_KINDS])
        summaries, llm_calls, tokens = series
        summaries.inc()
        llm_calls.inc(int(stats.get("llm_calls", 0) or 0))
        for kind, counter in tokens:
            counter.inc(int(stats.get(kind, 0) or 0))

    def render(self, job_counts: Callable[[], dict[str, int]],
               queue_stats: Optional[Callable[[], dict[str, int]]] = None) -> bytes:
        for state, n in job_counts().items():
            self.jobs.labels(state).set(n)
        for name, n in (queue_stats() if queue_stats else {}).items():
            self.queue.labels(name).set(n)
        return generate_latest(self.registry)

    async def render_off_loop(self, job_counts: Callable[[], dict[str, int]],
                              queue_stats: Optional[Callable[[], dict[str, int]]] = None) -> bytes:
        """``render`` in a worker thread: the counts are database queries, and neither they nor the
        text rendering may hold up other requests (the registry and the stores are thread-safe)."""
        return await asyncio.to_thread(self.render, job_counts, queue_stats)
