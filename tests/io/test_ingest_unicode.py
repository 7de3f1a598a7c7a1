"""Lone surrogates (JSON "\\ud800") are refused on loading with the field named, not after the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer import Document, summarize_sync
from summarizer.errors import DocumentError
from summarizer.io.ingest import load_documents

ROOT = Path(__file__).resolve().parents[2]
TEXT = "The council met on Tuesday to approve the budget for next year. It passed by nine votes."


def _json_file(tmp_path: Path, field: str) -> Path:
    rec = {"id": "a", "title": "T", "text": TEXT}
    rec[field] = rec[field][:3] + "\ud800" + rec[field][3:]
    path = tmp_path / "docs.json"
    # ensure_ascii keeps the lone surrogate as the escape "\ud800": the bytes are valid UTF-8.
    path.write_text(json.dumps([rec]), encoding="utf-8")
    return path


@pytest.mark.parametrize("field", ["id", "title", "text"])
def test_loading_names_the_field(tmp_path, field):
    with pytest.raises(DocumentError, match=rf"docs.json\[0\].{field}: not valid Unicode.*U\+D800"):
        load_documents([_json_file(tmp_path, field)])


def test_cli_one_line_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "summarizer", "summarize", str(_json_file(tmp_path, "text")),
                           "--backend", "extractive", "--json"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "not valid Unicode" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_python_api_refuses_before_work():
    with pytest.raises(DocumentError, match=r"documents\[0\].text"):
        summarize_sync([Document("a", "x\ud800 " + TEXT)])
