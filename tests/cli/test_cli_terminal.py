"""On a terminal (a real pseudo-terminal): text output by default, progress in words, a kept
final line. Plus the progress line's rules on a stream that says it is a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from summarizer.cli.progress_bar import TerminalProgress, describe

from .helpers import clean_env, write_docs


def run_on_tty(home, *args: str) -> str:
    leader, follower = pty.openpty()
    work = home / "work"
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "summarizer", *args], cwd=work, env=clean_env(home),
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=300) == 0, b"".join(chunks).decode()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_terminal_gets_text_progress_in_words_and_a_final_line(tmp_path):
    docs = write_docs(tmp_path / "docs")
    out = run_on_tty(tmp_path, "summarize", str(docs), "-b", "extractive")
    assert "\x1b[2KSummarizing sources 1/2" in out and "\x1b[2KSummarizing sources 2/2" in out
    assert "\x1b[2KConsolidating" in out
    assert "summarize_source" not in out
    kept = [line.rsplit("\x1b[2K", 1)[-1] for line in out.split("\n") if "\x1b[2K" in line]
    assert kept and kept[-1].startswith("Done in ") and kept[-1].endswith(" s")  # ended by a newline
    assert "\nSummary\n" in out and "\nSources\n  [1] a.txt\n  [2] b.txt\n" in out  # text, not JSON
    assert '"schema_version"' not in out


def test_quiet_shows_no_progress_on_a_terminal(tmp_path):
    docs = write_docs(tmp_path / "docs")
    out = run_on_tty(tmp_path, "summarize", str(docs), "-b", "extractive", "-q", "--json")
    assert "\x1b[2K" not in out and out.lstrip().startswith("{")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_describe_names_stages_in_words():
    assert describe("map", {"done": 3, "total": 5}) == "Summarizing sources 3/5"
    assert describe("reduce", {"level": 2, "done": 1, "total": 4}) == "Consolidating (level 2) 1/4"
    assert describe("conflicts", {}) == "Finding conflicts"
    assert describe("start", {"documents": 1}) == "Starting on 1 document"
    assert describe("my_plugin_stage", {"done": 1, "total": 2}) == "My plugin stage 1/2"
    assert describe("done", {"seconds": 2.25}) == "Done in 2.2 s"


def test_warnings_get_their_own_line_and_the_last_status_is_kept_on_failure():
    term = FakeTerminal()
    with TerminalProgress(stream=term) as progress:
        progress("map", {"done": 1, "total": 2})
        progress("warning", {"stage": "map:a", "error": "reply was not JSON"})
    out = term.getvalue()
    assert "summarizer: warning: map:a: reply was not JSON\n" in out
    assert out.endswith("\x1b[2KSummarizing sources 1/2\n")  # redrawn after the warning, kept at the end


def test_warnings_are_printed_off_a_terminal_too_but_no_status():
    stream = io.StringIO()
    with TerminalProgress(stream=stream) as progress:
        progress("map", {"done": 1, "total": 2})
        progress("warning", {"stage": "reduce", "error": "overflow"})
    assert stream.getvalue() == "summarizer: warning: reduce: overflow\n"
