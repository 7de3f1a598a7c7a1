"""The Python API: what ``import summarizer`` offers, the sync twin, the README example, py.typed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import subprocess
import sys
import zipfile

import pytest

import summarizer
from summarizer import Document, Settings, SummaryOptions, SummaryResult, load_documents, summarize, summarize_sync
from summarizer.errors import ConfigError

from .conftest import REPO, SEEDS


def test_exports():
    for name in ["Document", "Settings", "SummaryOptions", "SummaryResult", "load_documents", "summarize",
                 "summarize_sync", "Citation", "Sentence", "SummarizerError"]:
        assert name in summarizer.__all__ and hasattr(summarizer, name)
    version = re.search(r'^version = "(.+)"$', (REPO / "pyproject.toml").read_text(), re.M).group(1)
    assert summarizer.__version__ == version


def test_sync_twin_gives_what_the_coroutine_gives():
    docs = load_documents([SEEDS])
    options = SummaryOptions(backend="extractive")
    sync = summarize_sync(docs, options, Settings())
    coro = asyncio.run(summarize(docs, options, Settings()))
    assert isinstance(sync, SummaryResult)
    assert sync.model_dump(exclude={"stats"}) == coro.model_dump(exclude={"stats"})


def test_sync_twin_inside_an_event_loop_says_what_to_do():
    async def inside():
        summarize_sync([Document("a", "Some text here.")], SummaryOptions(backend="extractive"))

    with pytest.raises(ConfigError, match="await summarize"):
        asyncio.run(inside())


def test_readme_python_example_runs_and_prints_what_it_says():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Python\n\n```python\n(.*?)```", readme, re.S).group(1)
    assert len(block.strip().splitlines()) <= 12
    expected = [line[2:] for line in block.splitlines() if line.startswith("# ") and "load_documents" not in line]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    assert out.getvalue().splitlines() == expected


def test_wheel_ships_py_typed(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("summarizer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "summarizer/py.typed" in names and "summarizer/io/extract.py" in names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    for dep in ("pypdf", "python-docx", "platformdirs", "argcomplete"):
        assert f"Requires-Dist: {dep}" in meta
