"""``summarizer db upgrade|status``: the PostgreSQL job database (SUMMARIZER_DATABASE_URL).

``upgrade`` creates or migrates the schema (the job queue's tables and ours); run it once before
the first ``serve``/``worker`` and after each upgrade of summarizer: processes refuse to start on
an old schema. ``status`` prints the schema, the queue and the workers' heartbeats; it exits 1
when the schema is not current or no worker has a fresh heartbeat (a health check for operators).
"""

from __future__ import annotations

import argparse

from ..errors import ConfigError


def add_parser(sub) -> None:
    p = sub.add_parser("db", help="create/migrate or inspect the PostgreSQL job database",
                       description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["upgrade", "status"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..config.settings import Settings

    settings = Settings()
    if settings.database_url is None:
        raise ConfigError("`summarizer db` needs SUMMARIZER_DATABASE_URL=postgresql://user:pass@host:5432/db")
    url = settings.database_url.get_secret_value()
    return _upgrade(url) if args.action == "upgrade" else _status(url, settings.worker_lease_seconds)


def _upgrade(url: str) -> int:
    from ..service.pg.schema import SCHEMA_VERSION, redact, upgrade

    done = upgrade(url)
    for line in done:
        print(line)
    print(f"database at {redact(url)}: schema version {SCHEMA_VERSION}" + ("" if done else " (already current)"))
    return 0


def _status(url: str, lease: float) -> int:
    from ..errors import StoreUnavailable
    from ..service.pg.schema import applied, check, connect, redact

    with connect(url) as conn:
        print(f"database: {redact(url)}")
        print("schema: " + (", ".join(f"{k} {v}" for k, v in sorted(applied(conn).items())) or "none"))
        try:
            check(conn, url)
        except StoreUnavailable as exc:
            print(f"summarizer: error: {exc}")
            return 1
        rows = conn.execute("SELECT status, COUNT(*) FROM summarizer_jobs GROUP BY status ORDER BY 1").fetchall()
        print("jobs: " + (", ".join(f"{s} {n}" for s, n in rows) or "none"))
        workers = conn.execute("SELECT id, EXTRACT(EPOCH FROM NOW() - last_heartbeat), "
                               "(SELECT COUNT(*) FROM procrastinate_jobs j WHERE j.worker_id = w.id AND "
                               "j.status = 'doing') FROM procrastinate_workers w ORDER BY id").fetchall()
    alive = [w for w in workers if w[1] <= lease]
    for wid, age, running in workers:
        state = "alive" if age <= lease else "STALLED"
        print(f"worker {wid}: last heartbeat {age:.1f} s ago ({state}), running {running} job(s)")
    print(f"workers alive: {len(alive)}")
    return 0 if alive else 1
