"""Where a result goes and in which format.

Format: ``--json`` or ``--format``; otherwise, with ``--out FILE``, the file's suffix (``.md`` ->
markdown, ``.txt`` -> text, anything else JSON); otherwise text when stdout is a terminal and JSON
when it is piped, so scripts get JSON without asking.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
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


def out_target(out: Optional[Path]) -> Optional[Path]:
    """``--out``: None for stdout (no flag, or ``-``), else the path."""
    return None if out is None or str(out) == "-" else out


def check_out(out: Optional[Path]) -> None:
    """Before any work (a run may take long and cost money): fail now if ``out`` cannot be written."""
    out = out_target(out)
    if out is None:
        return
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for the result", field="out")
    if not out.parent.is_dir():
        raise InputError(f"{out}: the folder {out.parent} does not exist", field="out")
    if out.exists() and not os.access(out, os.W_OK):
        raise InputError(f"{out}: not writable", field="out")
    if not out.exists() and not os.access(out.parent, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot create files in {out.parent}", field="out")


def write_result(body: bytes, out: Optional[Path]) -> str:
    """Write ``body`` to ``out`` or stdout; returns where it went.

    A regular file (or a new path) is written atomically: a temporary file next to it, renamed
    over it, so a failure never leaves half a result. Anything else that exists (``/dev/null``,
    a FIFO, a terminal) is written into directly: renaming over a device would replace the device
    node itself with a regular file.
    """
    out = out_target(out)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return "stdout"
    try:
        if out.exists() and not out.is_file():
            with open(out, "wb") as f:
                f.write(body)
            return str(out)
        _write_atomically(out, body)
    except OSError as exc:
        raise InputError(f"{out}: cannot write the result ({exc.strerror or exc})", field="out") from exc
    return str(out.resolve())


def _write_atomically(out: Path, body: bytes) -> None:
    mode = stat.S_IMODE(out.stat().st_mode) if out.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            os.fchmod(f.fileno(), mode)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
