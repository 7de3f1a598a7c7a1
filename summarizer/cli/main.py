"""Command line: ``summarizer <command>``. Each command lives in ``summarizer/cli/<name>.py``
with ``add_parser(subparsers)`` and ``run(args) -> int``. Errors of the project's error tree become
a one-line message on stderr and an exit code from ``exit_codes.py`` (2 for usage errors).

Shell completion: ``eval "$(register-python-argcomplete summarizer)"`` (argcomplete).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
from typing import Optional, Sequence

from .. import __version__
from ..errors import LLMUnavailable, SummarizerError
from ..prepare.gcpause import gc_paused
from .exit_codes import HELP, exit_code_for
from .flags import add_verbose_flag

COMMANDS = ["summarize", "verify", "cite", "cache", "runs", "serve", "worker", "db", "eval"]


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The parser of every command, or of command ``only`` alone: each command's module imports
    what the command needs (the pipeline, the eval harness, the web server...), and a run of one
    command need not import the others' (``runs`` and ``cache`` answer in a fraction of the time)."""
    parser = argparse.ArgumentParser(prog="summarizer", description="Multi-document summaries with verified citations.",
                                     epilog=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"summarizer {__version__}")
    add_verbose_flag(parser, top_level=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in [only] if only else COMMANDS:
        try:
            module = importlib.import_module(f".{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue  # command not built yet
            raise
        module.add_parser(sub)
        command = sub.choices[name]
        add_verbose_flag(command)
        command.set_defaults(command_parser=command)
    return parser


def command_named(argv: Sequence[str]) -> Optional[str]:
    """The command ``argv`` runs: its first argument after any ``-v``, when it names one. None
    otherwise: the full parser then answers (top-level help, the version, an unknown command)."""
    first = next((a for a in argv if a not in ("-v", "--verbose")), None)
    return first if first in COMMANDS else None


def parse(parser: argparse.ArgumentParser, argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """Parse ``argv``; an unknown option is reported with the usage of the command it was given to."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    if "_ARGCOMPLETE" in os.environ:  # a shell asking for completions: import argcomplete only then
        import argcomplete

        argcomplete.autocomplete(build_parser())
    with gc_paused():  # the imports: ~90 collections (~28 ms) of objects that all live on
        parser = build_parser(command_named(sys.argv[1:] if argv is None else argv))
        gc.freeze()  # and are never scanned again (as ``service/heap.py`` does for a server)
    args = parse(parser, argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except SummarizerError as exc:
        print(f"summarizer: error: {exc}", file=sys.stderr)
        if isinstance(exc, LLMUnavailable):
            print("summarizer: hint: is the model server running? --base-url URL or --model PROVIDER:NAME "
                  "picks another endpoint", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt as exc:
        print("summarizer: interrupted", file=sys.stderr)
        return exit_code_for(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
