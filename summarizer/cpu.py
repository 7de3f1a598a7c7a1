"""Where a CPU-bound step runs: on the event loop for a small input, in a worker thread otherwise.

A worker thread keeps the event loop responsive while a large input is processed. For a small
one it costs more than the step: the hops between threads, and above all the hand-offs of the
GIL, which numpy releases around every operation; with several requests in flight their worker
threads and the event loop take the GIL from each other thousands of times per request, which
doubled the CPU time of a small request at 8 concurrent clients. A step on up to
``INLINE_CHARS`` characters takes a few milliseconds, which the event loop can afford to wait.
"""

from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

T = TypeVar("T")
INLINE_CHARS = 50_000


async def run_cpu_bound(chars: int, fn: Callable[..., T], *args) -> T:
    """``fn(*args)``: directly when the input is at most ``INLINE_CHARS`` characters, else in a thread."""
    if chars <= INLINE_CHARS:
        return fn(*args)
    return await asyncio.to_thread(fn, *args)
