"""Retention: a finished job (input, result, key, webhook, the job itself) is deleted
``SUMMARIZER_RETENTION_DAYS`` after it finished, by a sweep every ``retention_sweep_seconds``.

Which process sweeps: with the SQLite store, the server; with PostgreSQL, every worker (a
delete of rows another worker deletes at the same time is skipped, ``FOR UPDATE SKIP LOCKED``).
0 days keeps jobs until ``DELETE /v1/jobs/{id}``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Optional

from ..config.settings import Settings
from ..errors import SummarizerError
from . import jobstore as js

log = logging.getLogger("summarizer.service.retention")

#: Jobs deleted per store call; a sweep repeats until fewer come back.
BATCH = 500


def cutoff(days: float, now: Optional[datetime] = None) -> str:
    """The ``updated_at`` (as ``jobstore.now_iso`` writes it) before which a finished job expires."""
    moment = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sweep_once(store: js.JobStore, days: float) -> list[str]:
    """Delete every finished job older than ``days``; their ids. Blocking: run it in a thread."""
    if days <= 0:
        return []
    deleted: list[str] = []
    before = cutoff(days)
    while True:
        batch = store.purge_finished(before, BATCH)
        deleted += batch
        if len(batch) < BATCH:
            return deleted


async def sweep_forever(store: js.JobStore, settings: Settings) -> None:
    """Sweep now and then every ``retention_sweep_seconds`` until cancelled; errors are logged, not fatal."""
    if settings.retention_days <= 0:
        return
    while True:
        try:
            deleted = await asyncio.to_thread(sweep_once, store, settings.retention_days)
            if deleted:
                log.info("deleted %d finished jobs older than %g days", len(deleted), settings.retention_days,
                         extra={"job_ids": deleted[:20]})
        except SummarizerError as exc:  # the store is unreachable or failing: try again next round
            log.error("retention sweep failed: %s", exc)
        await asyncio.sleep(settings.retention_sweep_seconds)


__all__ = ["cutoff", "sweep_forever", "sweep_once"]
