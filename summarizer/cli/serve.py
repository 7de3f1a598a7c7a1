"""``summarizer serve [--host --port]``: the REST API under uvicorn (JSON logs on stderr)."""

from __future__ import annotations

import argparse
import logging


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="run the REST API (FastAPI + uvicorn)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument("--with-worker", action="store_true",
                   help="with SUMMARIZER_DATABASE_URL: also run queued jobs in this process (small deployments)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ..config.settings import Settings
    from ..service.app import create_app
    from ..service.heap import tune_for_requests
    from ..service.http_protocol import JoinedWritesProtocol
    from ..service.middleware import setup_logging

    setup_logging(getattr(logging, args.log_level.upper()))
    app = create_app(Settings(with_worker=True) if args.with_worker else Settings(), on_ready=tune_for_requests)
    # log_config=None keeps our JSON handlers; access_log off: the app logs each request itself;
    # each response's headers and body go out in one write (service/http_protocol.py).
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=5, http=JoinedWritesProtocol)
    return 0
