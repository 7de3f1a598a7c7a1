"""The CLI against a real OpenAI-compatible HTTP server on 127.0.0.1 (the fake one): presets,
OPENAI_* fallbacks, the config file, the end-of-run line with cost, the run log, the cache."""

from __future__ import annotations

import json

import pytest

from summarizer.testing.fake_openai import FakeOpenAIServer

from ..llm_helpers import LINE_RE
from .helpers import run_cli, write_docs


def handler(body: dict) -> dict:
    if "pairs of sentences" in body["messages"][0]["content"]:
        return {"conflicts": []}
    lines = LINE_RE.findall(body["messages"][-1]["content"])
    return {"sentences": [{"text": t, "cites": [int(n)]} for n, t in lines[:2]]}


@pytest.fixture(scope="module")
def server():
    with FakeOpenAIServer(handler, api_key="sk-test") as s:
        yield s


def last_line(stderr: str) -> str:
    return stderr.strip().splitlines()[-1]


def test_preset_fallback_key_prices_run_log_and_cache(tmp_path, server):
    docs = write_docs(tmp_path / "docs")
    env = {"OPENAI_API_KEY": "sk-test", "SUMMARIZER_PRICE_PROMPT_PER_1K": "0.5",
           "SUMMARIZER_PRICE_COMPLETION_PER_1K": "2", "SUMMARIZER_PRICE_CURRENCY": "EUR"}
    spec = f"vllm:org/model-7b@{server.base_url}"
    first = run_cli(tmp_path, "summarize", str(docs), "-m", spec, **env)
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    st = result["stats"]
    assert st["backend"] == "openai" and st["model"] == "org/model-7b" and st["llm_calls"] > 0
    assert {r["model"] for r in server.requests} == {"org/model-7b"}
    cost = st["prompt_tokens"] / 1000 * 0.5 + st["completion_tokens"] / 1000 * 2
    assert last_line(first.stderr) == (
        f"openai org/model-7b: {st['llm_calls']} LLM calls, {st['prompt_tokens']} prompt + "
        f"{st['completion_tokens']} completion tokens, 0 cache hits, {st['seconds']:.1f} s, cost {cost:.4f} EUR")

    again = run_cli(tmp_path, "summarize", str(docs), "-m", spec, "-o", str(tmp_path / "r.json"), **env)
    assert again.returncode == 0, again.stderr
    assert "0 LLM calls" in last_line(again.stderr) and f"{st['llm_calls']} cache hits" in last_line(again.stderr)
    assert last_line(again.stderr).endswith("cost 0.0000 EUR")

    runs = run_cli(tmp_path, "runs", "--json")
    rows = [json.loads(line) for line in runs.stdout.splitlines()]
    assert [r["output"] for r in rows] == [str((tmp_path / "r.json").resolve()), "stdout"]
    assert rows[1]["llm_calls"] == st["llm_calls"] and rows[1]["prompt_tokens"] == st["prompt_tokens"]
    assert rows[0]["cache_hits"] == st["llm_calls"] and rows[0]["model"] == "org/model-7b"
    assert rows[1]["cost"] == pytest.approx(cost) and all(r["status"] == "ok" for r in rows)
    table = run_cli(tmp_path, "runs").stdout.splitlines()
    assert table[0].split() == ["time", "backend", "model", "docs", "calls", "tokens", "hits", "seconds",
                                "cost", "status", "output"]
    assert table[1].split()[2:4] == ["openai", "org/model-7b"]

    info = run_cli(tmp_path, "cache", "info").stdout
    assert f"entries  {st['llm_calls']} (org/model-7b: {st['llm_calls']})" in info
    assert str(tmp_path / "data" / "llm-cache.sqlite3") in info
    cleared = run_cli(tmp_path, "cache", "clear")
    assert cleared.stdout.startswith(f"removed {st['llm_calls']} cached replies from ")
    assert "entries  0" in run_cli(tmp_path, "cache", "info").stdout


def test_failed_run_is_logged_with_its_exit_code(tmp_path):
    docs = write_docs(tmp_path / "docs")
    proc = run_cli(tmp_path, "summarize", str(docs), "-m", "llamacpp:m@http://127.0.0.1:9/v1", "-q")
    assert proc.returncode == 3
    (row,) = [json.loads(line) for line in run_cli(tmp_path, "runs", "--json").stdout.splitlines()]
    assert row["status"] == "llm_unavailable" and row["exit_code"] == 3 and row["model"] == "m"


def test_openai_base_url_fallback_and_config_file(tmp_path, server):
    docs = write_docs(tmp_path / "docs")
    config = tmp_path / "xdg" / "summarizer" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('model = "from-config"\nsummarizer_no_cache = true\n', encoding="utf-8")
    # OPENAI_BASE_URL and OPENAI_API_KEY make the endpoint; the model comes from the config file.
    proc = run_cli(tmp_path, "summarize", str(docs), OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["model"] == "from-config"
    assert not (tmp_path / "data" / "llm-cache.sqlite3").exists()  # no_cache from the config file
    # The environment beats the config file; SUMMARIZER_API_KEY beats OPENAI_API_KEY.
    proc = run_cli(tmp_path, "summarize", str(docs), OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="wrong",
                   SUMMARIZER_API_KEY="sk-test", SUMMARIZER_MODEL="from-env")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["model"] == "from-env"


def test_wrong_key_is_exit_2_and_never_printed(tmp_path, server):
    docs = write_docs(tmp_path / "docs")
    proc = run_cli(tmp_path, "summarize", str(docs), "-m", f"vllm:m@{server.base_url}", "-q",
                   OPENAI_API_KEY="sk-wrong-secret")
    assert proc.returncode == 2, proc.stderr
    assert "sk-wrong-secret" not in proc.stderr + proc.stdout


def test_config_file_typo_is_named(tmp_path):
    config = tmp_path / "my.toml"
    config.write_text('modle = "x"\n', encoding="utf-8")
    proc = run_cli(tmp_path, "summarize", "-", "-b", "extractive", SUMMARIZER_CONFIG=str(config))
    assert proc.returncode == 2
    assert f"config file {config}: unknown setting 'modle'" in proc.stderr
