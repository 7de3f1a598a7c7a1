"""Progress on a terminal: a tqdm bar on stderr fed by pipeline progress events."""

from __future__ import annotations

import sys

from tqdm import tqdm


class TerminalProgress:
    """Callable ``(stage, info)`` sink. Shows nothing when disabled or when stderr is not a tty."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: tqdm | None = None

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def __call__(self, stage: str, info: dict) -> None:
        if not self.enabled:
            return
        total = info.get("total")
        if total:
            if self.bar is None or self.bar.total != total or self.bar.desc != stage:
                if self.bar is not None:
                    self.bar.close()
                self.bar = tqdm(total=total, desc=stage, file=sys.stderr, leave=False)
            self.bar.n = info.get("done", 0)
            self.bar.refresh()
        elif self.bar is not None:
            self.bar.set_description(stage)
