"""In-process cost of one extractive pipeline run on the seeds (what a REST request pays for the
pipeline itself): ``summarize`` called N times in one process, CPU ms per run (best of rounds).

    python benchmarks/seeds_inprocess.py [--runs 200] [--rounds 3] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's summarizer, not whichever one is installed

from summarizer import Settings, SummaryOptions, load_documents, summarize

SEEDS = REPO / "seeds"


async def runs(n: int, docs, options, settings) -> float:
    """CPU seconds of ``n`` runs."""
    t0 = time.process_time()
    for _ in range(n):
        await summarize(docs, options, settings)
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=Path, help="write a cProfile of one round here")
    args = ap.parse_args()
    docs = load_documents([str(SEEDS)])
    options, settings = SummaryOptions(backend="extractive"), Settings()
    asyncio.run(runs(3, docs, options, settings))  # warm: imports, token ranks, caches of constants
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        asyncio.run(runs(args.runs, docs, options, settings))
        prof.disable()
        prof.dump_stats(args.profile)
    times = [asyncio.run(runs(args.runs, docs, options, settings)) for _ in range(args.rounds)]
    chars = sum(len(d.text) for d in docs)
    ms = sorted(1000 * t / args.runs for t in times)
    print(f"seeds: {len(docs)} documents, {chars} chars; {args.runs} runs x {args.rounds} rounds: "
          f"{ms[0]:.2f} ms CPU per run best, {ms[len(ms) // 2]:.2f} median")


if __name__ == "__main__":
    main()
