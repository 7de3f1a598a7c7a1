"""``summarizer worker [--concurrency N]``: run queued jobs from the PostgreSQL job store.

Needs SUMMARIZER_DATABASE_URL (and `summarizer db upgrade` run once). Start as many as the
load needs, on any machine that reaches the database and the LLM endpoint. SIGTERM (or Ctrl-C)
drains: no new job is taken, running ones finish within SUMMARIZER_WORKER_DRAIN_SECONDS or go back
to the queue for another worker. A worker killed outright (kill -9, lost machine) stops sending
heartbeats; after SUMMARIZER_WORKER_LEASE_SECONDS another worker re-runs its jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from ..errors import ConfigError


def add_parser(sub) -> None:
    p = sub.add_parser("worker", help="run queued jobs (needs SUMMARIZER_DATABASE_URL)",
                       description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--concurrency", type=_positive, default=None, metavar="N",
                   help="jobs this worker runs at once (default SUMMARIZER_WORKER_CONCURRENCY, 4); LLM calls "
                        "are bounded separately, across all workers, by SUMMARIZER_MAX_CONCURRENCY per endpoint")
    p.add_argument("--name", default=None, help="name in logs and heartbeats (default host:pid)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    from ..config.settings import Settings
    from ..service.middleware import setup_logging

    settings = Settings()
    if settings.database_url is None:
        raise ConfigError("`summarizer worker` needs SUMMARIZER_DATABASE_URL=postgresql://user:pass@host:5432/db")
    setup_logging(getattr(logging, args.log_level.upper()))
    queue_log = logging.getLogger("procrastinate")  # the queue's own warnings, in the same JSON lines
    queue_log.handlers[:] = logging.getLogger("summarizer").handlers
    queue_log.setLevel(logging.WARNING)
    queue_log.propagate = False
    from ..service.app import load_plugins

    load_plugins(settings)
    from ..service.pg.services import check_database

    check_database(settings)
    asyncio.run(_work(settings, args.concurrency, args.name))
    return 0


async def _work(settings, concurrency, name) -> None:
    from ..service.pg.services import database_url, shared_llm_limits
    from ..service.pg.worker import QueueWorker

    url = database_url(settings)
    worker = QueueWorker(settings, url, concurrency=concurrency, name=name)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _on_signal, worker, loop, sig)
    async with shared_llm_limits(url):
        await worker.run()


def _on_signal(worker, loop: asyncio.AbstractEventLoop, sig: signal.Signals) -> None:
    logging.getLogger("summarizer.service.worker").info("%s: draining", sig.name)
    worker.stop()
    loop.remove_signal_handler(sig)  # a second one ends the process at once
