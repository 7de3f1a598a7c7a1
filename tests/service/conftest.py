"""Fixtures for API tests: real servers on loopback (see api_helpers.Server)."""

from __future__ import annotations

import pytest

from tests.service.api_helpers import SEEDS, Server
from tests.service.disk_helpers import small_disk  # noqa: F401  (a fixture: a small tmpfs for disk-full tests)


@pytest.fixture(scope="session")
def seed_docs() -> list[dict]:
    return [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in SEEDS]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("api")).start(SUMMARIZER_TEST_SLOW_SECONDS="0.4")
    yield srv
    srv.stop()


@pytest.fixture
def make_server(tmp_path):
    """Factory for servers with their own settings (auth, limits, restarts)."""
    started: list[Server] = []

    def make(**env: str) -> Server:
        srv = Server(tmp_path / f"srv{len(started)}", env)
        srv.workdir.mkdir()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()
