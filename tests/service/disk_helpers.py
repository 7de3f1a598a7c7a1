"""A full disk for the job database, two ways, one interface (``fill()``, ``free()``, ``path``,
``server_env``):

* ``SmallDisk``: a real tmpfs of a few MB mounted under the test's tmp folder. ``fill()`` writes a
  filler file until the filesystem answers ENOSPC, ``free()`` deletes it. Needs root with
  CAP_SYS_ADMIN (a container may refuse mount even to root).
* ``InjectedFullDisk``, where mounting is refused: the database is a real SQLite file on the
  ordinary disk, and the server loads ``tests/service/full_disk_plugin.py``, which, while
  ``fill()``'s flag file exists, makes every write statement of the job store fail with SQLite's
  own ``SQLITE_FULL`` error and the free-space check see 0 bytes: ENOSPC injected at the store
  boundary, everything above it (runner, routes, health) unchanged.

``SUMMARIZER_TEST_DISK=injected`` forces the second kind (to check it where tmpfs works too).
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest


class CannotMount(Exception):
    pass


class SmallDisk:
    kind = "tmpfs"

    def __init__(self, path: Path, size_mb: int) -> None:
        self.path = path
        self.filler = path / "filler"
        self.server_env: dict[str, str] = {}
        path.mkdir(parents=True, exist_ok=True)
        if os.environ.get("SUMMARIZER_TEST_DISK") == "injected":
            raise CannotMount("SUMMARIZER_TEST_DISK=injected")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise CannotMount(done.stderr.strip())

    def free_bytes(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def fill(self) -> None:
        """Take every free byte (the last partial block included)."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 20, 4096, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)
        assert self.free_bytes() == 0

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        # Lazy: a server that has not exited yet may still hold the database open.
        subprocess.run(["umount", "-l", str(self.path)], check=False, capture_output=True)


class InjectedFullDisk:
    kind = "injected"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.flag = path.parent / f"{path.name}.full"
        path.mkdir(parents=True, exist_ok=True)
        self.server_env = {"SUMMARIZER_PLUGINS": "tests.service.slow_backend,tests.service.full_disk_plugin",
                           "SUMMARIZER_TEST_FULL_DISK_FLAG": str(self.flag)}

    def fill(self) -> None:
        self.flag.touch()

    def free(self) -> None:
        self.flag.unlink(missing_ok=True)

    def unmount(self) -> None:
        self.free()


@pytest.fixture
def small_disk(tmp_path):
    disks: list = []

    def make(size_mb: int = 4):
        path = tmp_path / f"disk{len(disks)}"
        try:
            disks.append(SmallDisk(path, size_mb))
        except CannotMount as exc:
            print(f"no tmpfs ({exc}): ENOSPC injected at the job store instead")
            disks.append(InjectedFullDisk(path))
        return disks[-1]

    yield make
    for disk in disks:
        disk.unmount()
