"""Where a result goes and in which format.

Format: ``--json`` or ``--format``; otherwise, with ``--out FILE``, the file's suffix (``.md`` ->
markdown, ``.txt`` -> text, anything else JSON); otherwise text when stdout is a terminal and JSON
when it is piped, so scripts get JSON without asking.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Optional

import pydantic_core

from ..contract.result import SummaryResult
from ..errors import InputError
from ..io.render import to_markdown
from ..io.render_text import to_text

FORMATS = ("json", "markdown", "text")
_BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def choose_format(fmt: Optional[str], as_json: bool, out: Optional[Path], stdout_is_tty: bool) -> str:
    if as_json:
        return "json"
    if fmt:
        return fmt
    if out is not None:
        return _BY_SUFFIX.get(out.suffix.lower(), "json")
    return "text" if stdout_is_tty else "json"


def render(result: SummaryResult, fmt: str, width: int = 100) -> bytes:
    if fmt == "markdown":
        return to_markdown(result).encode("utf-8")
    if fmt == "text":
        return to_text(result, width).encode("utf-8")
    # The same bytes as json.dumps(jsonable(result), ensure_ascii=False, indent=2), 4x faster.
    return pydantic_core.to_json(result, indent=2) + b"\n"


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100


def write_result(body: bytes, out: Optional[Path]) -> str:
    """Write ``body`` to ``out`` (atomically) or stdout; returns where it went."""
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return "stdout"
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_bytes(body)
        tmp.replace(out)  # never leave a half-written result behind
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write the result ({exc.strerror or exc})", field="out") from exc
    return str(out.resolve())
