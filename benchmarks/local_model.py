"""The bundled model's floor and the README's main command, side by side (run by hand).

    python benchmarks/local_model.py                 # both extra-buffer configurations, 2 rounds
    python benchmarks/local_model.py --buffers off --rounds 3

The floor is what llama.cpp itself needs for the tokens the run sends: a child process loads the
bundled GGUF with llama-cpp-python (same threads and context as the local server) and measures
prompt processing (tokens/s over a seed-sized prompt) and generation (tokens/s, greedy). The
command is the README's main command, timed as a whole process (model start included):
``summarizer summarize seeds/ --no-cache``. Floor = its prompt tokens / prompt rate + its
completion tokens / generation rate (the server answers one completion at a time). Each round
measures the floor, then the command, then the floor again (the floor used is the mean of the
two), alternating configurations, so the shared machine's drift hits both alike.

The floor above is measured on an 850-token prompt; the run's prompts are longer (several
short documents share one map call) and llama.cpp slows with context length, and the machine's
speed drifts between measurements. So the command's server also keeps its log
(``SUMMARIZER_LOCAL_LOG``), where llama.cpp prints its own timings for every completion: the
sum of prompt evaluation and generation there is the compute these exact calls needed, measured
in the same run ("llama.cpp compute"); "completions" adds sampling (with the JSON-schema
grammar) and the server's own work per completion. Wall / compute is what everything else costs.

"Extra buffer types" are llama.cpp's repacked / AMX weight layouts; ``off`` is the configuration
that cannot take the AMX path (see ``summarizer/chat/llama_launcher.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

#: Runs in a child: load the model in one configuration, print prompt and generation rates.
_FLOOR = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from summarizer.chat.llama_launcher import disable_extra_buffers
if sys.argv[2] == "off":
    disable_extra_buffers()
import llama_cpp
from summarizer.chat.local_server import resolve_model_path
threads, n_ctx = int(sys.argv[3]), int(sys.argv[4])
model = resolve_model_path(sys.argv[7] or None)
llm = llama_cpp.Llama(model_path=str(model), n_ctx=n_ctx, n_threads=threads,
                      n_threads_batch=threads, verbose=False)
text = open(sys.argv[5], encoding="utf-8").read()
tokens = llm.tokenize(text.encode())[: int(sys.argv[6])]
best_pp = best_tg = 0.0
for _ in range(3):
    llm.reset()
    t = time.perf_counter(); llm.eval(tokens); dt = time.perf_counter() - t
    best_pp = max(best_pp, len(tokens) / dt)
    n = 64
    t = time.perf_counter()
    for _ in range(n):
        tok = llm.sample(temp=0.0)
        llm.eval([tok])
    best_tg = max(best_tg, n / (time.perf_counter() - t))
print(json.dumps({"prompt_tps": best_pp, "gen_tps": best_tg, "prompt_len": len(tokens)}))
"""


def measure_floor(buffers: str, threads: int, n_ctx: int, prompt_len: int, model: str = "") -> dict:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        out = subprocess.run([sys.executable, "-c", _FLOOR, str(ROOT), buffers, str(threads), str(n_ctx),
                              f.name, str(prompt_len), model], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


_PERF = re.compile(r"llama_perf_context_print:\s+(prompt eval|eval|total) time =\s+([\d.]+) ms")


def server_timings(log: Path) -> dict:
    """llama.cpp's own clock for every completion the server logged (its verbose perf lines):
    prompt evaluation + generation (the compute) and each completion's total (adds sampling,
    with the JSON-schema grammar, and the server's own work), in seconds."""
    sums = {"prompt eval": 0.0, "eval": 0.0, "total": 0.0}
    for kind, ms in _PERF.findall(log.read_text(encoding="utf-8", errors="replace")):
        sums[kind] += float(ms) / 1000
    return {"compute_s": sums["prompt eval"] + sums["eval"], "server_busy_s": sums["total"]}


def run_command(buffers: str, workdir: Path, model: str = "") -> dict:
    out = workdir / f"result-{buffers}.json"
    log = workdir / f"server-{buffers}.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUMMARIZER_LOCAL_EXTRA_BUFFERS": buffers,
           "SUMMARIZER_DATA_DIR": str(workdir), "SUMMARIZER_LOCAL_LOG": str(log)}
    if model:
        env["SUMMARIZER_LOCAL_MODEL_PATH"] = model
    env.pop("SUMMARIZER_BASE_URL", None)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "summarizer", "summarize", str(SEEDS), "--no-cache", "--quiet",
                    "--out", str(out)], env=env, check=True, cwd=workdir)
    wall = time.perf_counter() - t
    stats = json.loads(out.read_text(encoding="utf-8"))["stats"]
    return {"wall": wall, **server_timings(log), **{k: stats.get(k) for k in
                             ("llm_calls", "prompt_tokens", "completion_tokens", "source_tokens")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--buffers", choices=["on", "off", "both"], default="both")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--n-ctx", type=int, default=8192)
    ap.add_argument("--model", default="", help="another GGUF file (default: the bundled model)")
    ap.add_argument("--floor-only", action="store_true", help="measure llama.cpp's rates, not the command")
    ap.add_argument("--prompt-len", type=int, default=850, help="tokens (a seeds map prompt is ~850)")
    args = ap.parse_args()
    configs = ["on", "off"] if args.buffers == "both" else [args.buffers]
    rows: dict[str, list[dict]] = {c: [] for c in configs}
    with tempfile.TemporaryDirectory() as d:
        for r in range(args.rounds):
            for c in configs:
                floor = measure_floor(c, args.threads, args.n_ctx, args.prompt_len, args.model)
                if args.floor_only:
                    print(f"round {r + 1} buffers {c}: prompt {floor['prompt_tps']:.0f} tok/s, "
                          f"generation {floor['gen_tps']:.1f} tok/s", flush=True)
                    continue
                cmd = run_command(c, Path(d), args.model)
                # The machine's speed drifts (shared VM): measure the rates again right after the
                # command and take the floor between the two, so drift hits floor and command alike.
                after = measure_floor(c, args.threads, args.n_ctx, args.prompt_len, args.model)
                floors = [cmd["prompt_tokens"] / f["prompt_tps"] + cmd["completion_tokens"] / f["gen_tps"]
                          for f in (floor, after)]
                floor_s = statistics.mean(floors)
                rates = {k: statistics.mean((floor[k], after[k])) for k in ("prompt_tps", "gen_tps")}
                row = {**floor, **rates, **cmd, "floor_s": floor_s, "ratio": cmd["wall"] / floor_s}
                rows[c].append(row)
                print(f"round {r + 1} buffers {c}: prompt {floor['prompt_tps']:.0f} / {after['prompt_tps']:.0f} "
                      f"tok/s, generation {floor['gen_tps']:.1f} / {after['gen_tps']:.1f} tok/s (before / after); "
                      f"command {cmd['wall']:.1f} s for {cmd['llm_calls']} calls, {cmd['prompt_tokens']} + "
                      f"{cmd['completion_tokens']} tokens; floor {floors[0]:.1f} / {floors[1]:.1f} s; "
                      f"ratio {row['ratio']:.2f}; llama.cpp's own clock: compute {cmd['compute_s']:.1f} s, "
                      f"completions {cmd['server_busy_s']:.1f} s, wall / compute "
                      f"{cmd['wall'] / cmd['compute_s']:.2f}", flush=True)
    if args.floor_only:
        return
    print("\n| extra buffers | prompt tok/s | generation tok/s | calls | prompt + completion tokens "
          "| floor (s) | command wall (s) | wall / floor | llama.cpp compute (s) | completions (s) "
          "| wall / compute | prompt tokens per source token |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c, rs in rows.items():
        med = lambda k: statistics.median(r[k] for r in rs)  # noqa: E731
        last = rs[-1]
        print(f"| {c} | {med('prompt_tps'):.0f} | {med('gen_tps'):.1f} | {last['llm_calls']} | "
              f"{last['prompt_tokens']} + {last['completion_tokens']} | {med('floor_s'):.1f} | "
              f"{med('wall'):.1f} | {med('ratio'):.2f} | {med('compute_s'):.1f} | {med('server_busy_s'):.1f} | "
              f"{statistics.median(r['wall'] / r['compute_s'] for r in rs):.2f} | "
              f"{last['prompt_tokens'] / last['source_tokens']:.2f} |")
    print(f"\nmedians over {args.rounds} round(s); threads {args.threads}, n_ctx {args.n_ctx}")


if __name__ == "__main__":
    main()
