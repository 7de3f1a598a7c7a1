"""Grounding: the engine vs the old lexical checker, side by side, on the Wikinews dev set.

Run by hand from the repo root:  python benchmarks/grounding.py [--repeat 3] [--show CATEGORY]

Each claim (a human reference sentence, or a controlled edit of one: ``grounding_devset.py``)
is checked against every content sentence of its cluster (110-179 candidates, about 150 on
average). "Accepted" means judged supported. For an edit, false acceptance is reported over
the edits whose original sentence the same checker accepted (an edit of a sentence it rejects
anyway tells nothing), and over all edits in brackets. Balanced accuracy = mean of the human
acceptance and the rejection rate over all negatives. Claims/s is CPU time of the checks
alone (the candidates are indexed once per cluster), one process, one core.

The old checker is the lexical rule ``evidence/support.py`` used before the engine (content-word
share >= 0.34 per passage, >= 0.5 coverage, numbers present), copied below so it stays runnable.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
EVALDATA = REPO.parent / "shared" / "evaldata" / "multiling2011_wikinews.jsonl"

from grounding_devset import build, corpora, load_clusters, overlap_with_engine  # noqa: E402

from summarizer.evidence.sources import corpus_grounder, corpus_passages  # noqa: E402
from summarizer.evidence.textstats import content_words, numbers  # noqa: E402

CATEGORIES = ["human", "number_digits", "number_words", "entity_swap", "negation", "antonym", "role_swap",
              "other_cluster"]
TARGETS = {"human": ">= 0.60", "number_digits": "<= 0.10", "number_words": "<= 0.10", "entity_swap": "<= 0.10",
           "negation": "<= 0.10", "antonym": "—", "role_swap": "<= 0.50", "other_cluster": "0"}


class LexicalChecker:
    """The pre-engine rule (``support.Resolver`` with nothing cited, the whole cluster as pool)."""

    UNIT, SENTENCE, MIN_SHARED = 0.34, 0.5, 2

    def __init__(self, passages) -> None:
        self.pool = [(frozenset(content_words(p.text)), frozenset(numbers(p.text))) for p in passages]

    def accepts(self, text: str) -> bool:
        words = frozenset(content_words(" ".join(text.split())))
        if len(words) < 2:
            return False
        ok = [(w, n) for w, n in self.pool
              if len(words & w) >= min(self.MIN_SHARED, len(words)) and len(words & w) / len(words) >= self.UNIT]
        covered: set[str] = set()
        nums_needed, nums_have = numbers(text), set()
        kept = 0
        while kept < 4 and (len(covered) / len(words) < self.SENTENCE or nums_needed - nums_have):
            best = max(ok, key=lambda p: len((p[0] & words) - covered) + 2 * len((nums_needed - nums_have) & p[1]),
                       default=None)
            if best is None or not (len((best[0] & words) - covered) + 2 * len((nums_needed - nums_have) & best[1])):
                break
            ok.remove(best)
            covered |= best[0] & words
            nums_have |= best[1]
            kept += 1
        return kept > 0 and len(covered) / len(words) >= self.SENTENCE and not nums_needed - nums_have


class EngineChecker:
    def __init__(self, corpus) -> None:
        self.grounder = corpus_grounder(corpus)

    def accepts(self, text: str) -> bool:
        return self.grounder.check(text).supported


def run(rows, checkers, repeat: int):
    decisions: dict[str, dict[str, bool]] = {}
    seconds: dict[str, float] = {}
    for name, make in checkers.items():
        by_cluster = {cid: make(cid) for cid in {r[1] for r in rows}}
        best = float("inf")
        for _ in range(repeat):
            from summarizer.evidence.analysis import analyse

            analyse.cache_clear()  # claims analysed afresh each round; candidates re-analysed once
            for chk in by_cluster.values():
                if hasattr(chk, "grounder"):
                    for p in chk.grounder.passages:
                        analyse(p.text)
            t0 = time.process_time()
            got = {f"{r[0]}|{r[1]}|{r[2]}": by_cluster[r[1]].accepts(r[2]) for r in rows}
            best = min(best, time.process_time() - t0)
        decisions[name], seconds[name] = got, best
    return decisions, seconds


def table(rows, decisions, seconds) -> str:
    names = list(decisions)
    stats: dict[str, dict[str, list[int]]] = {n: defaultdict(lambda: [0, 0, 0, 0]) for n in names}
    for n in names:
        d = decisions[n]
        for cat, cid, claim, orig in rows:
            acc = d[f"{cat}|{cid}|{claim}"]
            s = stats[n][cat]
            s[0] += acc
            s[1] += 1
            if cat not in ("human", "other_cluster") and d.get(f"human|{cid}|{orig}"):
                s[2] += acc
                s[3] += 1
    head = "| category | n | " + " | ".join(names) + " | target |"
    lines = [head, "|---|---:|" + "---:|" * len(names) + "---|"]
    for cat in CATEGORIES:
        cells = []
        for n in names:
            a, total, ca, ct = stats[n][cat]
            if cat in ("human", "other_cluster"):
                cells.append(f"{a / max(1, total):.2f}")
            else:
                cells.append(f"{ca / max(1, ct):.2f} ({a / max(1, total):.2f})")
        lines.append(f"| {cat} | {stats[names[0]][cat][1]} | " + " | ".join(cells) + f" | {TARGETS[cat]} |")
    bal, speed = [], []
    for n in names:
        pos = stats[n]["human"]
        neg_acc = sum(stats[n][c][0] for c in CATEGORIES[1:])
        neg_total = sum(stats[n][c][1] for c in CATEGORIES[1:])
        bal.append(f"{(pos[0] / pos[1] + 1 - neg_acc / neg_total) / 2:.3f}")
        speed.append(f"{len(rows) / seconds[n]:,.0f}")
    lines.append("| balanced accuracy | | " + " | ".join(bal) + " | |")
    lines.append("| claims/s (one core, CPU) | | " + " | ".join(speed) + " | >= 200 |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", help="print the engine's verdicts for one category")
    args = parser.parse_args()
    if not EVALDATA.exists():
        sys.exit(f"missing {EVALDATA} (the Wikinews sample in ../shared/evaldata relative to the repo root)")
    clusters = load_clusters(EVALDATA)
    rows = build(clusters)
    cps = corpora(clusters)
    candidates = [len(corpus_passages(c)) for c in cps.values()]
    print(f"{len(rows)} claims; candidates per cluster {candidates}; "
          f"benchmark antonym pairs the engine also lists: {overlap_with_engine()}\n")
    checkers = {"lexical (old)": lambda cid: LexicalChecker(corpus_passages(cps[cid])),
                "engine": lambda cid: EngineChecker(cps[cid])}
    decisions, seconds = run(rows, checkers, args.repeat)
    print(table(rows, decisions, seconds))
    if args.show:
        grounders = {cid: corpus_grounder(c) for cid, c in cps.items()}
        counts: Counter = Counter()
        for cat, cid, claim, _ in rows:
            if cat == args.show:
                v = grounders[cid].check(claim)
                counts[(v.status, v.reason)] += 1
                print(f"{v.status[:5]} {v.reason:15} {v.coverage:.2f} {v.detail[:20]!r:22} {claim[:150]}")
        print(counts.most_common())


if __name__ == "__main__":
    main()
