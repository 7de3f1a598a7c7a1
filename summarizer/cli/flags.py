"""Flags every command accepts."""

from __future__ import annotations

import argparse
from typing import Callable


def add_verbose_flag(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """``-v/--verbose`` on the top-level parser and again on each command's parser, so it works
    before or after the command. On command parsers the default is SUPPRESS, so a ``-v`` given
    before the command is not reset by the command's own default."""
    parser.add_argument("-v", "--verbose", action="store_true", default=False if top_level else argparse.SUPPRESS,
                        help="debug logging on stderr")


def option_int(field: str) -> Callable[[str], int]:
    """An argparse ``type`` for an integer option of ``SummaryOptions``, with the model's bounds:
    a value out of range is a usage error naming the flag (exit 2), before any work starts."""
    from annotated_types import Ge, Le

    from ..config.options import SummaryOptions

    metadata = SummaryOptions.model_fields[field].metadata
    lo = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    hi = next((m.le for m in metadata if isinstance(m, Le)), None)

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"{value} is out of range; give {lo} to {hi}")
        return value

    parse.__name__ = "number"  # argparse names the type in some messages
    return parse
