"""Property-based fuzzing of every operation in /openapi.json: no input may cause a 5xx.

Bounded (few examples per operation, a time cap) so it stays well under a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.service.api_helpers import ROOT

pytest.importorskip("schemathesis")

_CLI = "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())"


def test_no_server_errors(server):
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "run", f"{server.url}/openapi.json", "--checks", "not_a_server_error",
         "--max-examples", "8", "--max-time", "30", "--phases", "coverage,fuzzing,stateful", "--seed", "1"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.service.schemathesis_hooks"},
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "passed" in proc.stdout
    assert '"status": 5' not in server.log_path.read_text()
