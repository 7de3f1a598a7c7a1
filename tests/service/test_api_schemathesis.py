"""Property-based fuzzing of every operation in /openapi.json: no input may cause a 5xx.

Run against a server without keys and one with keys (sending a valid key, so requests get past
auth, and sending none). Bounded (few examples per operation, a time cap) so each run stays well
under a minute. The spec lists every route, the job list, idempotency keys and webhook URLs too.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.service.api_helpers import ROOT

pytest.importorskip("schemathesis")

_CLI = "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())"


def _fuzz(srv, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _CLI, "run", f"{srv.url}/openapi.json", "--checks", "not_a_server_error",
         "--max-examples", "8", "--max-time", "30", "--phases", "coverage,fuzzing,stateful", "--seed", "1", *extra],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.service.schemathesis_hooks"},
    )


def test_no_server_errors(server):
    proc = _fuzz(server)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "passed" in proc.stdout
    assert '"status": 5' not in server.log_path.read_text()


def test_no_server_errors_with_keys(make_server):
    srv = make_server(SUMMARIZER_API_KEYS="fuzz-key,other", SUMMARIZER_WEBHOOK_HOSTS="127.0.0.1",
                      SUMMARIZER_WEBHOOK_SECRET="s").start()
    for extra in (("-H", "Authorization: Bearer fuzz-key"), ()):
        proc = _fuzz(srv, *extra)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
        assert "passed" in proc.stdout
    log = srv.log_path.read_text()
    assert '"status": 5' not in log
    assert '"status": 202' in log  # with the key, jobs were created (the fuzzing got past auth)
