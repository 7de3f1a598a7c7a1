"""Progress reporting: the callback every pipeline stage reports to, as ``progress(stage, info)``."""

from __future__ import annotations

from typing import Callable

Progress = Callable[[str, dict], None]


def no_progress(stage: str, info: dict) -> None:
    return None
