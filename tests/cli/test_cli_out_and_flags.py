"""Issue 15 items 13 and 16: the CLI refuses bad flags and output paths before any work, in one
line with exit 2, and never replaces a device or a FIFO given as --out with a regular file."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from .helpers import run_cli, write_docs

#: Nothing listens on port 9: a run that got as far as the model would exit 3 (unavailable).
DEAD_ENDPOINT = "llamacpp:some-model@http://127.0.0.1:9/v1"


@pytest.fixture
def home(tmp_path):
    return tmp_path


def one_line_usage_error(proc, *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in last, proc.stderr


@pytest.mark.parametrize("target", ["missing/d/x.json", "."])
def test_bad_out_is_refused_before_the_run(home, target):
    docs = write_docs(home / "docs")
    out = home / "work" / target
    (home / "work").mkdir(exist_ok=True)
    proc = run_cli(home, "summarize", str(docs), "-m", DEAD_ENDPOINT, "--out", str(out), "-q")
    one_line_usage_error(proc, str(out))
    assert "does not exist" in proc.stderr or "is a folder" in proc.stderr
    assert not list(home.rglob("*.tmp")), "a temporary file was left behind"


@pytest.mark.parametrize("flag,value,words", [
    ("--per-source-sentences", "0", ("--per-source-sentences", "greater than or equal to 1")),
    ("--consolidated-sentences", "500", ("--consolidated-sentences", "less than or equal to 40")),
])
def test_out_of_range_counts_are_refused_before_the_run(home, flag, value, words):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "-m", DEAD_ENDPOINT, flag, value)  # a run would exit 3
    one_line_usage_error(proc, *words)
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_count_that_is_not_a_number_gets_the_commands_usage(home):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "--per-source-sentences", "three")
    one_line_usage_error(proc, "--per-source-sentences", "invalid int value")
    assert "usage: summarizer summarize" in proc.stderr


def test_bad_setting_is_one_line_and_exit_2(home):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", SUMMARIZER_MAX_RETRIES="abc")
    one_line_usage_error(proc, "SUMMARIZER_MAX_RETRIES")


def test_cite_bad_out_is_refused_first(home):
    docs = write_docs(home / "docs")
    summary = home / "summary.txt"
    summary.write_text("The council approved the plan on Monday.\n", encoding="utf-8")
    proc = run_cli(home, "cite", str(summary), "--sources", str(docs), "--out", str(home / "no" / "r.json"))
    one_line_usage_error(proc, "does not exist")


def test_out_to_a_device_node_writes_into_it(home):
    """A copy of /dev/null's node (char 1:3): written into, still a device afterwards."""
    docs = write_docs(home / "docs")
    null = home / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", "--out", str(null))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(null.stat().st_mode), "the device node was replaced by a regular file"


def test_out_to_a_fifo_and_to_dash(home):
    docs = write_docs(home / "docs")
    fifo = home / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", "--json", "--out", str(fifo))
    reader.join(30 if proc.returncode == 0 and stat.S_ISFIFO(fifo.stat().st_mode) else 0)
    if reader.is_alive() and stat.S_ISFIFO(fifo.stat().st_mode):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # nothing was written: let the reader go
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO was replaced by a regular file"
    assert json.loads(received[0])["consolidated"]

    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", "--json", "-o", "-")
    assert proc.returncode == 0 and json.loads(proc.stdout)["consolidated"]
    assert not (home / "work" / "-").exists()


def test_out_to_a_regular_file_is_atomic_and_keeps_its_mode(home):
    docs = write_docs(home / "docs")
    out = home / "result.json"
    out.write_text("old")
    out.chmod(0o640)
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["consolidated"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in home.iterdir()) == ["data", "docs", "result.json", "work"]
