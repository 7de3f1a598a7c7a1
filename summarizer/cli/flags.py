"""Flags every command accepts."""

from __future__ import annotations

import argparse


def add_verbose_flag(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """``-v/--verbose`` on the top-level parser and again on each command's parser, so it works
    before or after the command. On command parsers the default is SUPPRESS, so a ``-v`` given
    before the command is not reset by the command's own default."""
    parser.add_argument("-v", "--verbose", action="store_true", default=False if top_level else argparse.SUPPRESS,
                        help="debug logging on stderr")

