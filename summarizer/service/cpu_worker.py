"""A worker process of ``run_processes``: runs the summaries its server sends, one at a time.

    python -m summarizer.service.cpu_worker FD

FD is this process's end of a socket pair with the server. Each message either way is a pickle
after its length (``frame``). The server first sends ``(settings, log_level)``, then tasks
``(backend_name, documents, options)``, or None to stop. For each task the worker sends
``("progress", (stage, info))`` messages, then ``("result", SummaryResult, last)`` or
``("error", exception, last)``, ``last`` the latest progress state not sent yet (or None); or, when it cannot make that backend (registered by the server's own code, not by
a plugin), ``("unavailable", why)``.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from typing import Any, Coroutine, Optional

from .. import backends
from ..config.options import SummaryOptions
from ..errors import ConfigError
from ..pipeline import summarize
from ..plugins import load_plugins

#: A message's length, before its pickle.
HEADER = struct.Struct("!Q")
#: Seconds between two forwarded progress states (and from the start of a run to the first).
PROGRESS_EVERY = 0.2
#: Seconds between two checks that the server is still there.
ORPHAN_CHECK_SECONDS = 1.0


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def read_message(sock: socket.socket) -> Any:
    """The next message; EOFError when the server has closed its end."""
    (size,) = HEADER.unpack(_exactly(sock, HEADER.size))
    return pickle.loads(_exactly(sock, size))


def _exactly(sock: socket.socket, size: int) -> memoryview:
    buf = memoryview(bytearray(size))
    got = 0
    while got < size:
        n = sock.recv_into(buf[got:])
        if n == 0:
            raise EOFError("the server closed the connection")
        got += n
    return buf


def serve_runs(sock: socket.socket) -> None:
    """Run the tasks the server sends until it sends None or goes away."""
    from .heap import tune_for_requests
    from .middleware import setup_logging

    try:
        settings, log_level = read_message(sock)
    except EOFError:  # the server is gone already
        return
    setup_logging(log_level)
    load_plugins(settings)  # SUMMARIZER_PLUGINS, as the server did
    tune_for_requests()  # as the server process does: the default encoding loaded, start-up frozen
    loop = asyncio.new_event_loop()
    instances: dict[str, backends.Backend] = {}

    def send(message: Any) -> None:
        sock.sendall(frame(message))

    while True:
        try:
            task = read_message(sock)
        except EOFError:  # the server is gone
            return
        if task is None:
            return
        name, documents, options = task
        if name not in instances:
            try:
                instances[name] = backends.create(name, settings, SummaryOptions(backend=name))
            except ConfigError as exc:  # registered by the server's own code, say: it runs it itself
                send(("unavailable", str(exc)))
                continue
        forward = _Forward(send)
        send(_reply(loop, summarize(documents, options, settings, forward, backend=instances[name]), forward))


def _reply(loop: asyncio.AbstractEventLoop, run: Coroutine, forward: "_Forward") -> tuple:
    """What the server gets for one run: its result or its error, with the last progress state
    not sent yet."""
    try:
        return ("result", loop.run_until_complete(run), forward.unsent)
    except Exception as exc:  # raised in the server, where the run is awaited
        return ("error", sendable(exc), forward.unsent)


class _Forward:
    """The run's progress, sent to the server at most every PROGRESS_EVERY seconds (the state
    reported then); the last state reported goes with the result or the error (``unsent``). A
    run of a few milliseconds sends only that one: each message would cost the server a wake-up."""

    def __init__(self, send) -> None:
        self.send, self.sent = send, time.monotonic()
        #: The latest state not sent yet, if any.
        self.unsent: Optional[tuple[str, dict]] = None

    def __call__(self, stage: str, info: dict) -> None:
        now = time.monotonic()
        if now - self.sent < PROGRESS_EVERY:
            self.unsent = (stage, info)
            return
        self.sent, self.unsent = now, None
        self.send(("progress", (stage, info)))


def sendable(exc: Exception) -> Exception:
    """``exc`` with this process's traceback as a note; if it cannot cross to the server, a
    RuntimeError that says what it was (an error is never lost on the way)."""
    trace = "in the worker process:\n" + "".join(traceback.format_exception(exc))
    exc.add_note(trace)
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception as why:  # its class or its arguments do not pickle
        return RuntimeError(f"{type(exc).__name__}: {exc} (it could not be sent: {why})\n{trace}")
    return exc


def _exit_when_orphaned(server: int) -> None:
    """End this process once its server is gone (killed, say): a run holding the CPU would
    otherwise finish for nobody, as the socket is only read between runs."""
    while os.getppid() == server:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        serve_runs(socket.socket(fileno=int(argv[1])))
    except ConnectionError:  # the server went away while we were answering: nobody to tell
        pass


if __name__ == "__main__":
    main(sys.argv)
