"""Job progress: pipeline ``progress(stage, info)`` -> stored job progress + live SSE events.

``fraction`` is an overall estimate in [0, 1]: each stage owns a band, and ``done/total`` moves
within it, so a progress bar never jumps back when the pipeline changes stage.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, Optional

# (start, end) of each stage's band of the overall fraction.
_BANDS: dict[str, tuple[float, float]] = {
    "start": (0.0, 0.0),
    "prepare": (0.0, 0.15),
    "dedup": (0.15, 0.2),
    "summarize_source": (0.2, 0.8),
    "map": (0.2, 0.75),
    "reduce": (0.75, 0.85),
    "consolidate": (0.85, 0.9),
    "conflicts": (0.9, 0.98),
    "done": (1.0, 1.0),
}


def progress_state(stage: str, info: dict[str, Any]) -> dict[str, Any]:
    """The contract's progress object for one pipeline event."""
    done = int(info.get("done", 0) or 0)
    total = int(info.get("total", 0) or 0)
    lo, hi = _BANDS.get(stage, (0.5, 0.5))  # unknown stages (future backends): mid-way, no jump
    part = min(1.0, done / total) if total > 0 else (1.0 if stage != "start" else 0.0)
    state: dict[str, Any] = {"stage": stage, "done": done, "total": total,
                             "fraction": round(lo + (hi - lo) * part, 4)}
    if info.get("source_id") is not None:
        state["source_id"] = str(info["source_id"])
    return state


class EventHub:
    """In-process fan-out of job events to SSE subscribers (the store stays the source of truth).

    Events are ``(seq, event_name, data)``; ``publish`` must run on the event loop (the runner
    uses ``call_soon_threadsafe`` from the prepare thread).
    """

    def __init__(self) -> None:
        self._subs: dict[str, set[asyncio.Queue]] = defaultdict(set)

    def subscribe(self, job_id: str) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue()
        self._subs[job_id].add(q)
        return q

    def unsubscribe(self, job_id: str, q: asyncio.Queue) -> None:
        subs = self._subs.get(job_id)
        if subs is not None:
            subs.discard(q)
            if not subs:
                self._subs.pop(job_id, None)

    def has_subscribers(self, job_id: str) -> bool:
        return bool(self._subs.get(job_id))

    def subscribed_jobs(self) -> list[str]:
        return list(self._subs)

    def publish(self, job_id: str, seq: int, event: str, data: Optional[dict]) -> None:
        for q in list(self._subs.get(job_id, ())):
            q.put_nowait((seq, event, data))
