"""A small real filesystem for disk-full tests: a tmpfs of a few MB mounted under the test's tmp
folder (needs root; the tests that use it are skipped otherwise, saying why, and fail under CI=true).

``fill()`` writes a filler file until the filesystem answers ENOSPC, ``free()`` deletes it, so a
test can take the space away from a running server and give it back.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest


class SmallDisk:
    def __init__(self, path: Path, size_mb: int) -> None:
        self.path = path
        self.filler = path / "filler"
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            # Mounting needs root with CAP_SYS_ADMIN, which a container may lack even as root:
            # nothing the test script can install, so a skip saying why (listed by -ra), not a failure.
            pytest.skip(f"cannot mount a {size_mb} MB tmpfs (needs root with CAP_SYS_ADMIN): {done.stderr.strip()}")

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


@pytest.fixture
def small_disk(tmp_path):
    disks: list[SmallDisk] = []

    def make(size_mb: int = 4) -> SmallDisk:
        disks.append(SmallDisk(tmp_path / f"disk{len(disks)}", size_mb))
        return disks[-1]

    yield make
    for disk in disks:
        disk.unmount()
