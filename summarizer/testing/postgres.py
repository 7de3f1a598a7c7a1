"""A throwaway PostgreSQL server for tests, benchmarks and the local demo.

``TempPostgres().start()`` finds ``initdb``/``pg_ctl`` (PATH, /usr/local/bin, Debian's
/usr/lib/postgresql/<version>/bin), initdb's a cluster in a fresh temp dir and starts it on
127.0.0.1 on a free port, with its socket in that dir. PostgreSQL refuses to run as root, so as
root the cluster belongs to the ``postgres`` user and every command runs through ``runuser``.
Durability is off (``fsync=off``): the data is thrown away at ``stop()``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Optional


class PostgresNotFound(RuntimeError):
    pass


def find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in ["/usr/local/bin/" + name,
                      *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]:
        if os.access(candidate, os.X_OK):
            return candidate
    raise PostgresNotFound(f"{name} not found: install PostgreSQL (Debian: apt-get install postgresql)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self, database: str = "summarizer", user: str = "postgres") -> None:
        self.database = database
        self.os_user = user if os.geteuid() == 0 else None  # run as this user when we are root
        self.port = 0
        self.dir: Optional[Path] = None

    @property
    def data(self) -> Path:
        assert self.dir is not None
        return self.dir / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    @property
    def log_path(self) -> Path:
        assert self.dir is not None
        return self.dir / "postgres.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.os_user:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> "TempPostgres":
        self.dir = Path(tempfile.mkdtemp(prefix="summarizer-pg-"))
        if self.os_user:
            shutil.chown(self.dir, self.os_user, self.os_user)
        self._run(find_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--locale=C")
        self.port = free_port()
        self.pg_ctl("start")
        self._run(find_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                  "-q", "-c", f"CREATE DATABASE {self.database}")
        return self

    def pg_ctl(self, action: str) -> None:
        """start / stop / restart the server (the tests cut every connection with a restart)."""
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        args = [find_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60"]
        if action in ("start", "restart"):
            args += ["-o", opts, "-l", str(self.log_path)]
        if action in ("stop", "restart"):
            args += ["-m", "fast"]
        try:
            self._run(*args, action)
        except subprocess.CalledProcessError as exc:
            log = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            raise RuntimeError(f"pg_ctl {action} failed: {exc.stderr.strip()}\n{log}") from exc

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.data / "postmaster.pid").exists():
            self._run(find_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self) -> "TempPostgres":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["PostgresNotFound", "TempPostgres", "find_bin", "free_port"]
