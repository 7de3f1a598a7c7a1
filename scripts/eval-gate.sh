#!/usr/bin/env bash
# Eval gate for CI: run the shipped suites (seeds + wikinews) once per backend and fail on any
# failed case. Usage: scripts/eval-gate.sh [BACKEND...]   (default: extractive local)
# Reports go to $EVAL_REPORT_DIR/<backend>/ (default eval-reports/): eval.json, junit.xml, eval.md;
# the Markdown is appended to $GITHUB_STEP_SUMMARY when set. Pass a baseline with
# EVAL_BASELINE_DIR=<dir holding <backend>/eval.json> to also fail on regressions.
set -uo pipefail
cd "$(dirname "$0")/.."

backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(extractive local)
report_root="${EVAL_REPORT_DIR:-eval-reports}"
status=0
for backend in "${backends[@]}"; do
    echo "== eval gate: backend $backend" >&2
    args=(evals/seeds evals/wikinews --backend "$backend" --report "$report_root/$backend")
    if [ -n "${EVAL_BASELINE_DIR:-}" ] && [ -f "$EVAL_BASELINE_DIR/$backend/eval.json" ]; then
        args+=(--baseline "$EVAL_BASELINE_DIR/$backend/eval.json")
    fi
    python3 -m summarizer eval "${args[@]}" || status=1   # run every backend, then fail
done
exit $status
