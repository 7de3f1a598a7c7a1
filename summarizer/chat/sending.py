"""Which requests are still being written to the endpoint: ``SendTracker``.

asyncio runs one thing at a time, so CPU work that starts while a request is half written (a
reply's checks, the conflicts' evidence) holds that request back for as long as it runs, and
with it the round of calls it belongs to. The client marks each request from the moment it
holds a slot until its body is on the wire (httpx's ``trace`` extension reports that; a
transport without tracing ends the mark when the exchange ends), and ``wait`` returns once no
request is being written, so such work can let the requests go first.
"""

from __future__ import annotations

import asyncio
from typing import Any


class Sending:
    """One request being written; ``trace`` is the httpx trace callback that ends the mark."""

    def __init__(self, tracker: "SendTracker") -> None:
        self._tracker = tracker
        self._open = True

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        if event.endswith("send_request_body.complete"):
            self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            self._tracker._closed()


class SendTracker:
    def __init__(self) -> None:
        self.writing = 0
        # Futures of the running loop (an instance may serve several loops one after another).
        self._waiters: list[asyncio.Future[None]] = []

    def start(self) -> Sending:
        self.writing += 1
        return Sending(self)

    def _closed(self) -> None:
        self.writing -= 1
        if self.writing == 0:
            waiters, self._waiters = self._waiters, []
            for w in waiters:
                if not w.done():
                    w.set_result(None)

    async def wait(self) -> None:
        """Return once no request is being written."""
        while self.writing:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    async def after_release(self, at_most: float = 1.0) -> None:
        """Called by a request that has just given its slot back: one turn of the loop lets the
        request waiting for that slot take it and start writing, then wait until it has (at most
        ``at_most`` seconds: a write the endpoint stalls must not hold this reply for long)."""
        await asyncio.sleep(0)
        if self.writing:
            try:
                await asyncio.wait_for(self.wait(), at_most)
            except asyncio.TimeoutError:
                pass  # the stalled write goes on; its own timeout covers it


__all__ = ["SendTracker", "Sending"]
