"""The fake OpenAI endpoint in a process of its own, for benchmarks (run by hand).

In the benchmark's own process the server's threads would take the GIL from the client under
test, which a real endpoint never does. ``EndpointProcess`` starts ``FakeOpenAIServer`` in a
forked child and, when stopped, brings back what the server saw: the request bodies, the call
count and the peak number of requests in flight.
"""

from __future__ import annotations

import multiprocessing as mp
from typing import Callable

from summarizer.testing.fake_openai import FakeOpenAIServer


def _serve(handler: Callable[[dict], object], latency: float, conn) -> None:
    with FakeOpenAIServer(handler, latency=latency) as server:
        conn.send(server.base_url)
        conn.recv()  # stop
        conn.send({"requests": server.requests, "calls": server.calls, "max_in_flight": server.max_in_flight})


class EndpointProcess:
    def __init__(self, handler: Callable[[dict], object], latency: float) -> None:
        self.handler, self.latency = handler, latency
        self.requests: list[dict] = []
        self.calls = self.max_in_flight = 0

    def __enter__(self) -> "EndpointProcess":
        self._conn, child = mp.get_context("fork").Pipe()
        self._proc = mp.get_context("fork").Process(target=_serve, args=(self.handler, self.latency, child), daemon=True)
        self._proc.start()
        self.base_url = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        seen = self._conn.recv()
        self.requests, self.calls, self.max_in_flight = seen["requests"], seen["calls"], seen["max_in_flight"]
        self._proc.join(5)
