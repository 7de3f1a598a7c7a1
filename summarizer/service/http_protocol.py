"""uvicorn's httptools protocol with each response's writes joined into one.

uvicorn writes a response in two ``transport.write`` calls: the status line and headers when the
app sends ``http.response.start``, the body when it sends ``http.response.body``. uvloop sends
each write to the socket at once, so a small response is two system calls and two TCP segments,
and on loopback each segment wakes the client: the client reads the headers, goes back to sleep,
and is woken again for the body. Joining the writes made within one turn of the event loop into
one (the headers and body of a plain response always come in the same turn) halves that. A
reply is sent as soon as it is complete; a streamed one (server-sent events) as it is produced:
whatever was written in a turn is sent at the end of that turn.

It also tells the application how many requests the server is handling (``requests_in_flight``):
a request handled alone need not hand its run to a worker process (``pool.BackendPool``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: A write at least this large is sent at once (with what is pending): joining saves nothing then.
SEND_NOW_BYTES = 256 * 1024

#: uvicorn's state of the server using this protocol in this process (None: another server).
_server_state: Optional[Any] = None


def requests_in_flight() -> Optional[int]:
    """HTTP requests this process has begun and not answered yet (uvicorn's own count of request
    tasks: a request is counted as soon as its headers are read, before its handler first runs);
    None when the process is not served through ``JoinedWritesProtocol``."""
    return None if _server_state is None else len(_server_state.tasks)


class JoinedWrites:
    """A transport whose writes within one event-loop turn reach the socket as one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: Optional[list[bytes]] = None
        self._size = 0

    def write(self, data: bytes) -> None:
        if self._pending is None:
            self._pending = [data]
            self._loop.call_soon(self.flush)
        else:
            self._pending.append(data)
        self._size += len(data)
        if self._size >= SEND_NOW_BYTES:
            self.flush()

    def flush(self) -> None:
        pending, self._pending, self._size = self._pending, None, 0
        if not pending:
            return
        # A connection lost meanwhile: nothing can be delivered (uvicorn itself stops writing once
        # it sees the loss), and uvloop refuses writes to a closed transport.
        if not self._transport.is_closing():
            self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def writelines(self, chunks) -> None:
        self.write(b"".join(chunks))  # behind what is pending, never ahead of it

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        return self._size + self._transport.get_write_buffer_size()

    def close(self) -> None:
        self.flush()  # a reply followed by "connection: close" still goes out whole
        self._transport.close()

    def abort(self) -> None:
        self._pending, self._size = None, 0
        self._transport.abort()

    # The rest of what uvicorn (httptools_impl, flow_control, utils) calls is the transport's own.
    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()


class JoinedWritesProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on a ``JoinedWrites`` transport (``uvicorn.run(http=...)``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        global _server_state
        _server_state = self.server_state  # one server per process: `summarizer serve`
        super().connection_made(JoinedWrites(transport, self.loop))  # type: ignore[arg-type]

    def on_response_complete(self) -> None:
        self.transport.flush()  # type: ignore[attr-defined]  # the reply is whole: out now, not at the turn's end
        super().on_response_complete()
