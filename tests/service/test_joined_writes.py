"""A response leaves the server in one write (``service/http_protocol.py``).

uvicorn writes the status line and headers, then the body: on loopback the client was woken for
each, read the headers alone, slept and was woken again. The server test reads replies off a plain
socket: before the change nearly every first read held the headers alone.
"""

from __future__ import annotations

import asyncio
import json
import socket

from summarizer.service.http_protocol import SEND_NOW_BYTES, JoinedWrites


class RecordingTransport(asyncio.Transport):
    """Stands for the socket's transport: records what reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 5)}.get(name, default)


def test_writes_made_in_one_loop_turn_reach_the_transport_as_one():
    async def scenario():
        raw = RecordingTransport()
        joined = JoinedWrites(raw, asyncio.get_running_loop())
        joined.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        joined.write(b"{}")
        assert raw.writes == [] and joined.get_write_buffer_size() == 40
        await asyncio.sleep(0)  # the end of this turn
        assert raw.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        joined.write(b"data: 1\n\n")  # a streamed event later: sent at the end of its own turn
        await asyncio.sleep(0)
        assert raw.writes[1:] == [b"data: 1\n\n"]
        assert joined.get_extra_info("peername") == ("127.0.0.1", 5)  # the rest is the transport's

    asyncio.run(scenario())


def test_close_sends_what_is_pending_first_and_large_writes_go_at_once():
    async def scenario():
        raw = RecordingTransport()
        joined = JoinedWrites(raw, asyncio.get_running_loop())
        joined.write(b"head")
        joined.close()  # "connection: close" replies: the body must not be lost
        assert raw.writes == [b"head"] and raw.closed
        raw2 = RecordingTransport()
        joined2 = JoinedWrites(raw2, asyncio.get_running_loop())
        joined2.write(b"h")
        joined2.write(b"x" * SEND_NOW_BYTES)
        assert raw2.writes == [b"h" + b"x" * SEND_NOW_BYTES]  # nothing held back
        await asyncio.sleep(0)
        assert len(raw2.writes) == 1  # and the scheduled flush finds nothing left

    asyncio.run(scenario())


def _read_reply(sock: socket.socket) -> tuple[bytes, bool]:
    """(the whole reply, whether the first read already held all of it)."""
    data = sock.recv(1 << 20)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    whole_at_once = len(rest) >= length
    while len(rest) < length:
        rest += sock.recv(1 << 20)
    return head + b"\r\n\r\n" + rest, whole_at_once


def test_the_server_sends_each_reply_in_one_piece(server):
    body = json.dumps({"documents": [{"id": "a", "text": "The council approved the budget on Monday."}],
                       "options": {"backend": "extractive"}}).encode()
    request = (b"POST /v1/summaries HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n"
               b"content-length: %d\r\n\r\n" % len(body)) + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        split = 0
        for _ in range(30):
            sock.sendall(request)
            reply, whole = _read_reply(sock)
            assert reply.startswith(b"HTTP/1.1 200 ") and b'"summary"' in reply
            split += not whole
    assert split == 0, f"{split} of 30 replies reached the client in pieces"


def test_writelines_and_eof_keep_the_order_of_the_bytes():
    async def scenario():
        raw = RecordingTransport()
        raw.write_eof = lambda: raw.writes.append(b"<eof>")
        joined = JoinedWrites(raw, asyncio.get_running_loop())
        joined.write(b"a")
        joined.writelines([b"b", b"c"])
        joined.write_eof()
        assert raw.writes == [b"abc", b"<eof>"]

    asyncio.run(scenario())
