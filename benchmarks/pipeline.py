"""Pipeline throughput: ours (clean + segment + count + chunk + dedup) vs semchunk + datasketch.

Run by hand from the repo root:  python benchmarks/pipeline.py [--sizes 1 10 100] [--pair-max 10] [--repeat 5]

The corpus is real news text (seeds/ and ../shared/evaldata/multiling2011_wikinews.jsonl, read in
place, never copied) repeated with perturbed copies - word swaps, drops and case changes - so
that dedup has real near-duplicates to find. Each (contender, size) runs in a fresh child process
pinned to one core with thread pools set to 1, so peak RSS (ru_maxrss) belongs to that run alone.

"Theirs" is semchunk (chunking, tiktoken token counter) + datasketch MinHashLSH (dedup of the same
sentences, MinHash over word bigrams, same threshold and permutations as ours). The pair gets its
sentence list for free (segmented before the clock starts), so the comparison flatters it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[var] = "1"

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's summarizer, not whichever one is installed
EVALDATA = REPO.parent / "shared" / "evaldata" / "multiling2011_wikinews.jsonl"
CHUNK_TOKENS, OVERLAP, THRESHOLD, NUM_PERM = 512, 64, 0.7, 64


def base_texts() -> list[str]:
    if not EVALDATA.exists():
        sys.exit(f"missing {EVALDATA}: the benchmark reads the MultiLing 2011 Wikinews sample from "
                 "../shared/evaldata relative to the repo root (it is not copied into the repo)")
    texts = [p.read_bytes().decode("utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    for line in EVALDATA.read_text(encoding="utf-8").splitlines():
        for doc in json.loads(line)["documents"]:
            texts.append(doc["text"] if isinstance(doc, dict) else doc)
    return [t for t in texts if t.strip()]


def perturb(text: str, rnd: random.Random, rate: float) -> str:
    """Swap, drop or re-case about ``rate`` of the words (keeping line structure)."""
    words = re.split(r"( +)", text)
    n = len(words)
    for _ in range(int(n / 2 * rate)):
        k = rnd.randrange(0, max(1, n - 2), 2)  # even indices are words, odd are space runs
        op = rnd.random()
        if op < 0.4 and k + 2 < n:
            words[k], words[k + 2] = words[k + 2], words[k]
        elif op < 0.7:
            words[k] = ""
        else:
            words[k] = words[k].upper() if rnd.random() < 0.5 else words[k].lower()
    return "".join(words)


def build_corpus(mb: float, seed: int = 7) -> list[tuple[str, str]]:
    """``(id, text)`` documents totalling ``mb`` MB of UTF-8: originals, copies, perturbed copies."""
    rnd = random.Random(seed)
    bases = base_texts()
    docs, size, i = [], 0, 0
    target = int(mb * 1_000_000)
    while size < target:
        text = bases[i % len(bases)] if i < len(bases) else rnd.choice(bases)
        r = rnd.random()
        if i >= len(bases) and r < 0.8:  # most copies are perturbed, a few are exact
            text = perturb(text, rnd, rate=rnd.choice([0.02, 0.05, 0.1, 0.3]))
        docs.append((f"d{i}", text))
        size += len(text.encode("utf-8"))
        i += 1
    return docs


def run_ours(docs):
    from summarizer.backends.llm.chunking import chunk_source
    from summarizer.contract.documents import Document
    from summarizer.prepare.corpus import prepare
    from summarizer.prepare.tokens import get_counter

    documents = [Document(i, t) for i, t in docs]
    get_counter()  # load the tiktoken ranks before the clock, as the pair's is
    t0, c0 = time.perf_counter(), time.process_time()
    corpus = prepare(documents, dedup_threshold=THRESHOLD)
    n_chunks = 0
    for d in corpus.documents:
        sents = corpus.sentences[d.id]
        spans = [(s.start, s.end) for s in sents]
        counts = [s.tokens for s in sents]
        n_chunks += len(chunk_source(d.id, d.text, spans, corpus.counter, CHUNK_TOKENS, OVERLAP, counts))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    st = corpus.stats()
    return seconds, cpu, {"chunks": n_chunks, "sentences": st["sentences"], "units": st["units"]}


def stage_seconds(docs) -> dict:
    """CPU seconds of each stage of ``prepare`` + chunking, run one after the other."""
    from summarizer.backends.llm.chunking import chunk_source
    from summarizer.prepare.cleaning import find_junk
    from summarizer.prepare.corpus import split_around_junk
    from summarizer.prepare.dedup import near_duplicate_groups
    from summarizer.prepare.tokens import get_counter

    counter = get_counter()
    out, clock = {}, time.process_time
    t = clock()
    junk = [find_junk(text) for _, text in docs]
    out["clean"], t = clock() - t, clock()
    spans = [split_around_junk(text, j) for (_, text), j in zip(docs, junk)]
    out["segment"], t = clock() - t, clock()
    counts = [[counter.parts(text[a:b])[0] for a, b in sp] for (_, text), sp in zip(docs, spans)]  # as prepare
    out["count"], t = clock() - t, clock()
    for (i, text), sp, cn in zip(docs, spans, counts):
        chunk_source(i, text, sp, counter, CHUNK_TOKENS, OVERLAP, cn)
    out["chunk"], t = clock() - t, clock()
    near_duplicate_groups([text[a:b] for (_, text), sp in zip(docs, spans) for a, b in sp], THRESHOLD)
    out["dedup"] = clock() - t
    return {k: round(v, 2) for k, v in out.items()}


def run_pair(docs):
    import semchunk
    from datasketch import MinHash, MinHashLSH

    from summarizer.prepare.dedup import normalized_words
    from summarizer.prepare.segment import split_sentences
    from summarizer.prepare.tokens import load_encoding

    enc = load_encoding("cl100k_base")
    sentences = [t[a:b] for _, t in docs for a, b in split_sentences(t)]  # before the clock
    t0, c0 = time.perf_counter(), time.process_time()
    chunker = semchunk.chunkerify(lambda s: len(enc.encode_ordinary(s)), CHUNK_TOKENS)
    n_chunks = 0
    for _, text in docs:
        n_chunks += len(chunker(text, overlap=OVERLAP))
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    units = 0
    for k, sent in enumerate(sentences):
        w = normalized_words(sent)
        shingles = [f"{a} {b}".encode() for a, b in zip(w, w[1:])] or [" ".join(w).encode()]
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch(shingles)
        if not lsh.query(m):
            units += 1
        lsh.insert(k, m)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return seconds, cpu, {"chunks": n_chunks, "sentences": len(sentences), "units": units}


def child(contender: str, mb: float) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    docs = build_corpus(mb)
    nbytes = sum(len(t.encode("utf-8")) for _, t in docs)
    from summarizer.prepare import corpus  # noqa: F401  (imports are not part of the run's memory)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds, cpu, info = (run_ours if contender == "ours" else run_pair)(docs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if contender == "ours" and mb <= 10:
        info["stage_cpu_seconds"] = stage_seconds(docs)
    # MB/s on CPU time: the machine is shared, and wall time counts other people's work too.
    print(json.dumps({"contender": contender, "mb": nbytes / 1e6, "docs": len(docs), "seconds": seconds,
                      "cpu_seconds": cpu, "mb_s": nbytes / 1e6 / cpu, "wall_mb_s": nbytes / 1e6 / seconds,
                      "peak_rss_mb": peak / 1024,
                      "rss_before_mb": rss_before / 1024, **info}))


def measure(contender: str, mb: float) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", contender, str(mb)], cwd=REPO,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode:
        sys.exit(f"{contender} at {mb} MB failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100])
    ap.add_argument("--pair-max", type=float, default=10, help="largest size the slow pair runs at")
    ap.add_argument("--repeat", type=int, default=5,
                    help="runs of ours per size (fresh process each); the table shows the best and the median")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child[0], float(args.child[1]))
    base_texts()  # fail early with a clear message
    rows = []
    print("| corpus MB | docs | ours MB/s (best) | ours MB/s (median) | ours peak RSS MB "
          "| semchunk+datasketch MB/s | pair peak RSS MB | ratio (best) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mb in args.sizes:
        runs = sorted((measure("ours", mb) for _ in range(max(1, args.repeat))), key=lambda r: -r["mb_s"])
        ours = {**runs[0], "median_mb_s": runs[len(runs) // 2]["mb_s"], "runs": len(runs)}
        pair = measure("pair", mb) if mb <= args.pair_max else None
        rows.append((ours, pair))
        p_rate = f"{pair['mb_s']:.2f}" if pair else "not run"
        p_rss = f"{pair['peak_rss_mb']:.0f}" if pair else "-"
        ratio = f"{ours['mb_s'] / pair['mb_s']:.1f}x" if pair else "-"
        print(f"| {ours['mb']:.1f} | {ours['docs']} | {ours['mb_s']:.2f} | {ours['median_mb_s']:.2f} "
              f"| {ours['peak_rss_mb']:.0f} | "
              f"{p_rate} | {p_rss} | {ratio} |", flush=True)
    for ours, pair in rows:
        print("detail:", json.dumps(ours), json.dumps(pair) if pair else "", file=sys.stderr)
        if "stage_cpu_seconds" in ours:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in ours["stage_cpu_seconds"].items())
            print(f"\nours at {ours['mb']:.0f} MB, CPU seconds per stage run alone: {stages} "
                  f"(whole run {ours['cpu_seconds']:.2f})")
    if len(rows) >= 2:
        a, b = rows[-2][0], rows[-1][0]
        print(f"\nlinearity: ours {a['mb_s']:.2f} MB/s at {a['mb']:.0f} MB vs {b['mb_s']:.2f} MB/s at "
              f"{b['mb']:.0f} MB ({b['mb_s'] / a['mb_s']:.2f} of the smaller size's rate)")


if __name__ == "__main__":
    main()
