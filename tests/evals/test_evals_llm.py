"""The eval gate with the bundled local model (slow: a real llama.cpp server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import backends
from summarizer.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "evals" / "example" / "suite.toml"


@pytest.mark.llm
def test_example_suite_passes_with_local_model(tmp_path, capsys):
    if "local" not in backends.available():
        pytest.skip("the local backend is not part of this build")
    code = main(["eval", str(EXAMPLE), "--backend", "local", "--cache-dir", str(tmp_path), "--report", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "PASS example/harbor [local]" in err
