"""Running the real CLI in a subprocess, in a clean environment: no SUMMARIZER_* or OPENAI_*
variables from the outside, a fresh data folder and config folder, a working folder with no .env."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

from ..conftest import REPO

LEAKY = ("SUMMARIZER_", "OPENAI_")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(LEAKY)}
    env.update(PYTHONPATH=str(REPO), SUMMARIZER_DATA_DIR=str(home / "data"), XDG_CONFIG_HOME=str(home / "xdg"),
               SUMMARIZER_MAX_RETRIES="0", COLUMNS="100")
    env.update(extra)
    return env


def run_cli(home: Path, *args: str, stdin: Optional[bytes] = None, cwd: Optional[Path] = None,
            **env: str) -> subprocess.CompletedProcess:
    work = cwd or home / "work"
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "summarizer", *args], cwd=work, env=clean_env(home, **env),
                          input=stdin if stdin is not None else b"", capture_output=True, timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8"),
                                       proc.stderr.decode("utf-8"))


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text("The harbor wall will be rebuilt from May this year. The council "
                                  "approved the plan on Monday.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Work on the harbor wall starts in June, the council said. It will "
                                  "cost 4.2 million euros.\n", encoding="utf-8")
    return folder
