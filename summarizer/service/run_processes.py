"""CPU-bound runs in worker processes, so that one server process uses every core.

The extractive backend is pure CPU work, and one Python process runs it on one core at a time
(the GIL): on two cores, a server answering several clients left one core idle. A backend that
declares ``cpu_bound`` runs here instead, in one of ``SUMMARIZER_CPU_PROCESSES`` worker
processes (default: one per usable core), while the server process parses requests and sends
replies.

- Workers start when a run needs one and none is idle (``python -m summarizer.service.cpu_worker``,
  about 0.7 s of imports in the new process). Not ``multiprocessing``: its spawn and fork-server
  children import the server's ``__main__`` script again, and a script that starts the server
  without a ``__name__ == "__main__"`` guard would start it again in every worker. Not ``fork``:
  the server has threads (worker threads, database drivers) whose locks a child could inherit held.
- Each worker has one socket pair with the server, read and written by the event loop as a stream
  (no thread, no polling). The server sends a task; the worker sends progress states, then the
  result or the error, so they arrive in the order they were sent, as in one process.
- A run that is cancelled (client gone, deadline, job cancelled) kills its worker: the CPU is free
  at once, which a worker thread could not offer. A worker that dies is replaced when next needed;
  its run fails with ``WorkerProcessError``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

from .. import backends
from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..contract.documents import Document
from ..contract.result import SummaryResult
from ..errors import WorkerProcessError
from ..progress import Progress
from .cpu_worker import HEADER, frame

log = logging.getLogger("summarizer.service")

#: Seconds a worker gets to exit after it is asked to, before it is killed.
EXIT_GRACE = 2.0


def default_size(settings: Settings) -> int:
    """``SUMMARIZER_CPU_PROCESSES``, or one worker per usable core (none when there is one core)."""
    if settings.cpu_processes is not None:
        return settings.cpu_processes
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


class RunProcesses:
    """Up to ``size`` worker processes, each running one summary at a time."""

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings, self.size = settings, size
        self._all: set[_Worker] = set()
        #: Backends a worker cannot make (registered in this process by code): they run here.
        self._unavailable: set[str] = set()
        # Idle workers, the last one to become idle first: its caches (CPU's and ours) are the
        # warmest. None wakes a waiting run to start a worker in place of one that died.
        self._idle: asyncio.LifoQueue[Optional[_Worker]] = asyncio.LifoQueue()

    def takes(self, backend: backends.Backend) -> bool:
        """Whether a run on ``backend`` goes to a worker process."""
        return self.size > 0 and backend.cpu_bound and backend.name not in self._unavailable

    def pids(self) -> list[int]:
        """The worker processes alive now."""
        return [w.process.pid for w in self._all]

    async def summarize(self, documents: Sequence[Document], options: SummaryOptions, backend_name: str,
                        progress: Progress) -> Optional[SummaryResult]:
        """The pipeline's ``summarize`` with backend ``backend_name``, in a worker process; None if
        a worker cannot make that backend (the caller runs it itself; ``takes`` says no from now on)."""
        worker = await self._acquire()
        try:
            return await worker.run((backend_name, list(documents), options), progress)
        except _Unavailable as exc:
            log.info("backend %s runs in the server process: %s", backend_name, exc)
            self._unavailable.add(backend_name)
            return None
        except BaseException:
            if worker.busy:  # cancelled mid-run: stop the work now rather than let it finish for nobody
                worker.kill()
            raise
        finally:
            if worker.alive:
                self._idle.put_nowait(worker)

    async def _acquire(self) -> "_Worker":
        while True:
            if self._idle.empty() and len(self._all) < self.size:
                worker = _Worker.start(self.settings, self._lost)  # no await: no other run starts one meanwhile
                self._all.add(worker)
                return worker
            worker = await self._idle.get()
            if worker is not None and worker.alive:
                return worker

    def _lost(self, worker: "_Worker") -> None:
        """``worker`` died or was killed: a run waiting for a worker may start another."""
        self._all.discard(worker)
        self._idle.put_nowait(None)

    async def aclose(self) -> None:
        """Ask every worker to exit; kill those that have not after ``EXIT_GRACE`` seconds."""
        workers, self._all = list(self._all), set()
        for w in workers:
            w.ask_to_exit()
        await asyncio.to_thread(_join_all, workers)


def _join_all(workers: list["_Worker"]) -> None:
    deadline = time.monotonic() + EXIT_GRACE
    for w in workers:
        try:
            w.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            w.process.kill()
            w.process.wait()


class _Unavailable(Exception):
    """A worker cannot make the backend a run asked for."""


class _Worker:
    """One worker process, seen from the server: a stream to it, and a task reading its messages."""

    @classmethod
    def start(cls, settings: Settings, on_exit: Callable[["_Worker"], None]) -> "_Worker":
        ours, theirs = socket.socketpair()
        with theirs:
            theirs.setblocking(True)  # the worker reads it plainly, whatever the default timeout here
            # This process's own package first on the path: the worker runs the same code.
            package_root = str(Path(__file__).resolve().parents[2])
            path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
            try:
                process = subprocess.Popen([sys.executable, "-m", "summarizer.service.cpu_worker", str(theirs.fileno())],
                                           pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                           env={**os.environ, "PYTHONPATH": path})
            except OSError as exc:  # out of processes, memory or file descriptors
                ours.close()
                raise WorkerProcessError(f"could not start a worker process: {exc}") from exc
        return cls(process, ours, settings, on_exit)

    def __init__(self, process: subprocess.Popen, sock: socket.socket, settings: Settings,
                 on_exit: Callable[["_Worker"], None]) -> None:
        self.process, self.on_exit = process, on_exit
        self.alive, self.busy = True, False
        self._reply: Optional[asyncio.Future] = None
        self._progress: Optional[Progress] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._reading: Optional[asyncio.Task] = None  # referenced here, so that it is not collected
        self._ready = asyncio.ensure_future(self._connect(sock, settings))

    async def _connect(self, sock: socket.socket, settings: Settings) -> None:
        reader, self._writer = await asyncio.open_connection(sock=sock)
        level = logging.getLogger("summarizer").getEffectiveLevel()
        self._writer.write(frame((settings, level)))
        self._reading = asyncio.ensure_future(self._read_all(reader))

    async def run(self, task: tuple, progress: Progress) -> SummaryResult:
        self._reply, self._progress, self.busy = asyncio.get_running_loop().create_future(), progress, True
        try:
            await self._ready
            self._writer.write(frame(task))
            await self._writer.drain()
        except OSError as exc:  # it died while idle, before its stream said so
            self._died()
            raise WorkerProcessError(f"the worker process exited before the run started ({exc})") from exc
        return await self._reply

    async def _read_all(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
                self._handle(pickle.loads(await reader.readexactly(size)))
        except (asyncio.IncompleteReadError, OSError):
            self._died()
        except Exception as exc:  # a message that does not unpickle: what the worker does now is unknown
            reply, self._reply = self._reply, None
            self.kill()
            if reply is not None and not reply.done():
                reply.set_exception(exc)

    def _handle(self, message: tuple) -> None:
        kind, payload, *last = message
        if kind == "progress":
            self._report(payload)
            return
        if last and last[0] is not None:  # the latest progress state, sent with the reply
            self._report(last[0])
        reply, self._reply, self._progress, self.busy = self._reply, None, None, False
        if reply is None or reply.done():
            return
        if kind == "result":
            reply.set_result(payload)
        else:
            reply.set_exception(_Unavailable(payload) if kind == "unavailable" else payload)

    def _report(self, state: tuple[str, dict]) -> None:
        if self._progress is not None:
            self._progress(*state)

    def _died(self) -> None:
        if not self.alive:
            return
        self.alive = False
        self._close_stream()
        try:
            code = self.process.wait(0.5)  # its stream is closed: it is exiting, if not gone
        except subprocess.TimeoutExpired:  # its stream closed but it lives on: no use to us
            self.process.kill()
            code = self.process.wait()
        reply, self._reply, self.busy = self._reply, None, False
        self.on_exit(self)
        if reply is not None and not reply.done():
            how = f"signal {-code}" if code < 0 else f"exit code {code}"
            reply.set_exception(WorkerProcessError(f"the worker process running this summary died ({how}); "
                                                  "it may have run out of memory"))

    def _close_stream(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def kill(self) -> None:
        if not self.alive:
            return
        self.alive = self.busy = False
        self.process.kill()
        self.process.wait()
        self._close_stream()
        self.on_exit(self)

    def ask_to_exit(self) -> None:
        """Send the stop message; ``_join_all`` waits for the exit."""
        if not self.alive:
            return
        self.alive = False
        self._ready.cancel()  # still connecting: it never will now (a no-op once connected)
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(frame(None))
        self._close_stream()
