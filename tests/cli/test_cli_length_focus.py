"""--words and --focus through the real command: honoured, and bad values a one-line error, exit 2."""

from __future__ import annotations

import json

import pytest

from ..conftest import SEEDS
from .helpers import run_cli


def test_words_within_ten_percent_and_focus_accepted(tmp_path):
    proc = run_cli(tmp_path, "summarize", str(SEEDS), "--backend", "extractive", "--json", "-q",
                   "--words", "150", "--focus", "Did Russian troops reach the border?")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    words = sum(len(s["text"].split()) for s in result["consolidated"])
    assert 135 <= words <= 165


@pytest.mark.parametrize("args, flag", [
    (["--words", "0"], "--words"),
    (["--words", "-3"], "--words"),
    (["--focus", ""], "--focus"),
    (["--focus", "  "], "--focus"),
    (["--focus", "y" * 1001], "--focus"),
    (["--per-source-sentences", "0"], "--per-source-sentences"),
])
def test_bad_values_are_one_line_and_exit_2(tmp_path, args, flag):
    proc = run_cli(tmp_path, "summarize", str(SEEDS), "--backend", "extractive", "-q", *args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0] and "Traceback" not in proc.stderr


def test_sources_too_short_for_the_length_are_said_not_padded(tmp_path):
    doc = tmp_path / "short.txt"
    doc.write_text("The harbor wall will be rebuilt from May this year, the council said on Monday.\n", encoding="utf-8")
    proc = run_cli(tmp_path, "summarize", str(doc), "--backend", "extractive", "--json", "-q", "--words", "400")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert sum(len(s["text"].split()) for s in result["consolidated"]) < 30
    assert "short of the 400" in proc.stderr and result["stats"]["warnings"]
