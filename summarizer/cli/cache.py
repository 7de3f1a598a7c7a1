"""``summarizer cache info|clear``: the LLM reply cache file (where, how many replies, how big)."""

from __future__ import annotations

import argparse
import time

from ..chat.cache_admin import cache_info, clear_cache
from .configure import make_settings
from .flags import add_verbose_flag


def add_parser(sub) -> None:
    p = sub.add_parser("cache", help="show or clear the LLM reply cache",
                       description="The LLM reply cache (SQLite; SUMMARIZER_CACHE_PATH, by default in "
                                   "SUMMARIZER_DATA_DIR): identical requests are answered from it.")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    info = actions.add_parser("info", help="path, entries and size of the cache")
    info.set_defaults(func=run_info, command_parser=info)
    add_verbose_flag(info)
    clear = actions.add_parser("clear", help="delete the cached replies")
    clear.add_argument("-m", "--model", help="only the replies of this model")
    clear.set_defaults(func=run_clear, command_parser=clear)
    add_verbose_flag(clear)


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"  # pragma: no cover - loop always returns


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else "-"


def run_info(args: argparse.Namespace) -> int:
    info = cache_info(make_settings().resolved_cache_path())
    print(f"path     {info.path}")
    if not info.exists:
        print("entries  0 (no cache yet)")
        return 0
    models = ", ".join(f"{m}: {n}" for m, n in info.by_model.items())
    print(f"entries  {info.entries}" + (f" ({models})" if models else ""))
    print(f"size     {_size(info.size_bytes)}")
    print(f"oldest   {_when(info.oldest)}")
    print(f"newest   {_when(info.newest)}")
    return 0


def run_clear(args: argparse.Namespace) -> int:
    path = make_settings().resolved_cache_path()
    removed = clear_cache(path, args.model)
    which = f" of model {args.model!r}" if args.model else ""
    print(f"removed {removed} cached repl{'y' if removed == 1 else 'ies'}{which} from {path}")
    return 0
