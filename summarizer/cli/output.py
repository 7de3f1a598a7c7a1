"""Where a result goes and in which format.

Format: ``--json`` or ``--format``; otherwise, with ``--out FILE``, the file's suffix (``.md`` ->
markdown, ``.txt`` -> text, anything else JSON); otherwise text when stdout is a terminal and JSON
when it is piped, so scripts get JSON without asking.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Optional

from ..contract.result import SummaryResult, jsonable
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


def render(result: SummaryResult, fmt: str, width: int = 100) -> str:
    if fmt == "markdown":
        return to_markdown(result)
    if fmt == "text":
        return to_text(result, width)
    return json.dumps(jsonable(result), ensure_ascii=False, indent=2) + "\n"


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100


def write_result(body: str, out: Optional[Path]) -> str:
    """Write ``body`` to ``out`` (atomically) or stdout; returns where it went."""
    if out is None:
        sys.stdout.write(body)
        sys.stdout.flush()
        return "stdout"
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(out)  # never leave a half-written result behind
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write the result ({exc.strerror or exc})", field="out") from exc
    return str(out.resolve())
