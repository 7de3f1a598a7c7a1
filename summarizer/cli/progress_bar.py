"""Progress on a terminal: one status line on stderr saying, in words, what the run is doing
("Summarizing sources 3/5"), rewritten in place and kept when the run ends.

The status line is shown only when stderr is a terminal (a log file or a pipe gets no carriage
returns). Warnings from the pipeline (an unusable model reply, say) are printed on lines of their
own, above the status line, wherever stderr goes.
"""

from __future__ import annotations

import shutil
import sys
import threading
from typing import Any, Optional, TextIO

# Stage names of the pipeline's progress events -> words. Unknown stages (plugins) are shown
# by their name.
_WORDS = {
    "start": "Starting",
    "prepare": "Preparing text",
    "dedup": "Merging duplicate passages",
    "summarize_source": "Summarizing sources",
    "map": "Summarizing sources",
    "reduce": "Consolidating",
    "consolidate": "Consolidating",
    "conflicts": "Finding conflicts",
}


def describe(stage: str, info: dict[str, Any]) -> Optional[str]:
    """The status line for one progress event (None for events that change nothing)."""
    if stage == "done":
        return f"Done in {float(info.get('seconds', 0)):.1f} s"
    if stage == "start":
        n = info.get("documents")
        return f"Starting on {n} document{'s' if n != 1 else ''}" if n is not None else "Starting"
    words = _WORDS.get(stage) or stage.replace("_", " ").capitalize()
    if stage == "dedup" and info.get("units") is not None:
        return f"{words}: {info['units']} distinct passages in {info.get('sentences', '?')} sentences"
    if stage == "reduce" and info.get("level"):
        words += f" (level {info['level']})"
    total = info.get("total")
    if total:
        return f"{words} {info.get('done', 0)}/{total}"
    return words


class TerminalProgress:
    """Callable ``(stage, info)`` sink (thread-safe: prepare reports from a worker thread)."""

    def __init__(self, enabled: bool = True, stream: Optional[TextIO] = None) -> None:
        self.stream = stream or sys.stderr
        self.warnings = enabled
        self.enabled = enabled and self.stream.isatty()
        self.line = ""  # what the status line shows now ("" once it has been ended)
        self._lock = threading.Lock()

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._end_line()  # keep the last status (e.g. where a failed run stopped)

    def _end_line(self) -> None:
        if self.line:
            self.stream.write("\n")
            self.stream.flush()
            self.line = ""

    def _show(self, text: str) -> None:
        width = shutil.get_terminal_size((80, 24)).columns
        if len(text) >= width:
            text = text[: max(1, width - 2)] + "…"
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self.line = text

    def _warn(self, info: dict) -> None:
        if not self.warnings:
            return
        with self._lock:
            erase = "\r\x1b[2K" if self.line else ""
            self.stream.write(f"{erase}summarizer: warning: {info.get('stage', '')}: {info.get('error', '')}\n")
            if self.line:
                self._show(self.line)
            self.stream.flush()

    def __call__(self, stage: str, info: dict) -> None:
        if stage == "warning":
            self._warn(info)
        if not self.enabled or stage == "warning":
            return
        with self._lock:
            text = describe(stage, info)
            if text is None or text == self.line:
                return
            self._show(text)
            if stage == "done":
                self._end_line()
