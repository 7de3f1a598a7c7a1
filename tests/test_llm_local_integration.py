"""End to end on the seeds with the REAL bundled model (llama.cpp server + SmolLM2-135M).

Deliberately not marked ``llm``: CI runs it (one run, seeds only). It goes through the real CLI
with no flags (default backend "local"), then checks the result with ``summarizer verify``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .llm_helpers import SEEDS

pytest.importorskip("llama_cpp", reason="the bundled local model needs the 'local' extra")


@pytest.fixture(scope="module")
def real_result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("local")
    out = tmp / "result.json"
    env = {**os.environ, "SUMMARIZER_DATA_DIR": str(tmp)}  # fresh reply cache: a genuine run
    env.pop("SUMMARIZER_BASE_URL", None)
    env.pop("SUMMARIZER_BACKEND", None)
    proc = subprocess.run([sys.executable, "-m", "summarizer", "summarize", str(SEEDS), "--quiet", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, json.loads(out.read_text(encoding="utf-8"))


def test_real_model_result_passes_verify(real_result):
    out, result = real_result
    proc = subprocess.run([sys.executable, "-m", "summarizer", "verify", str(out), "--sources", str(SEEDS)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_real_model_result_is_complete_and_accounted(real_result):
    _, result = real_result
    stats = result["stats"]
    # Short sources share map calls (packs of up to 3): at least two map calls for the 5 seeds, and a reduce.
    assert stats["backend"] == "local" and stats["llm_calls"] >= -(-len(result["sources"]) // 3) + 1
    assert stats["prompt_tokens"] > 0 and set(stats["prompts"]) >= {"map_source.v4", "reduce.v4"}
    assert all(ps["summary"] for ps in result["per_source"]) and result["consolidated"]
    assert any(c["text"].startswith("002_") for c in result["conflicts"])  # the other-period article
