"""End to end through the real CLI in a subprocess, on the seed documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.prepare.cleaning import find_junk

from .conftest import REPO, SEEDS


_DATA_DIR = ""  # set per module run: the run log of these runs stays out of ~/.cache


@pytest.fixture(scope="module", autouse=True)
def _data_dir(tmp_path_factory):
    global _DATA_DIR
    _DATA_DIR = str(tmp_path_factory.mktemp("data"))


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SUMMARIZER_DATA_DIR": _DATA_DIR}
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def seed_result(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("e2e") / "result.json"
    proc = run_cli("summarize", str(SEEDS), "--backend", "extractive", "--quiet", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_seed_result_verifies(seed_result):
    proc = run_cli("verify", str(seed_result))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr.startswith("ok:")


def test_seed_result_covers_every_source_and_cites_no_junk(seed_result):
    result = json.loads(seed_result.read_text(encoding="utf-8"))
    seeds = {p.stem: p.read_bytes().decode("utf-8") for p in SEEDS.glob("*.txt")}
    assert {s["id"] for s in result["sources"]} == set(seeds)
    assert {ps["source_id"] for ps in result["per_source"] if ps["summary"]} == set(seeds)
    junk = {sid: find_junk(text) for sid, text in seeds.items()}
    sentences = [s for ps in result["per_source"] for s in ps["summary"]] + result["consolidated"]
    assert sentences
    for sentence in sentences:
        assert sentence["citations"]
        for c in sentence["citations"]:
            assert c["text"] == seeds[c["source_id"]][c["start"] : c["end"]]
            for j in junk[c["source_id"]]:
                assert not (j.start < c["end"] and c["start"] < j.end), (c, j)
    # Independent of cleaning's own verdicts: the seed junk we know of is never quoted.
    cited = " ".join(c["text"] for s in sentences for c in s["citations"])
    for junk_text in ["April 18, 2024", "Leave a", "Credit:", "aggregator", "Previous article",
                      "Next article", "Related Articles", "google news", "Molly-Mae", "Getty",
                      "Monday, 9th December 2024"]:
        assert junk_text not in cited
    assert result["stats"]["units_after_dedup"] < result["stats"]["units_before_dedup"] or result["stats"]["deduped_tokens"] < result["stats"]["source_tokens"]


def test_markdown_output_has_footnotes(tmp_path):
    out = tmp_path / "r.md"
    proc = run_cli("summarize", str(SEEDS), "--backend", "extractive", "--quiet", "--format", "markdown", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Summary")
    assert "[^1]" in md and "\n[^1]: `" in md
    marks = {line.split("]:")[0] + "]" for line in md.splitlines() if line.startswith("[^")}
    for mark in marks:
        assert md.count(mark) >= 2  # used in the text and defined as a footnote


def _tamper(seed_result: Path, tmp_path: Path, change) -> Path:
    data = json.loads(seed_result.read_text(encoding="utf-8"))
    change(data)
    out = tmp_path / "tampered.json"
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def test_verify_catches_a_shifted_offset(seed_result, tmp_path):
    def shift(d):
        d["consolidated"][0]["citations"][0]["start"] += 1

    proc = run_cli("verify", str(_tamper(seed_result, tmp_path, shift)))
    assert proc.returncode == 1
    assert "BAD consolidated[0].citations[0]: text differs" in proc.stdout


def test_verify_catches_citation_to_missing_source(seed_result, tmp_path):
    def retarget(d):
        d["per_source"][0]["summary"][0]["citations"][0]["source_id"] = "no_such_source"

    proc = run_cli("verify", str(_tamper(seed_result, tmp_path, retarget)))
    assert proc.returncode == 1
    assert "'no_such_source' not in result.sources" in proc.stdout


def test_verify_catches_sentence_without_citations(seed_result, tmp_path):
    def strip(d):
        d["consolidated"][1]["citations"] = []

    proc = run_cli("verify", str(_tamper(seed_result, tmp_path, strip)))
    assert proc.returncode == 1
    assert "consolidated[1]: sentence has no citation" in proc.stdout


def test_verify_catches_changed_source(seed_result, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for p in SEEDS.glob("*.txt"):
        (src / p.name).write_bytes(p.read_bytes())
    first = sorted(src.glob("*.txt"))[0]
    first.write_bytes(first.read_bytes().replace(b"Ukrain", b"UKRAIN", 1))
    proc = run_cli("verify", str(seed_result), "--sources", str(src))
    assert proc.returncode == 1
    assert "sha256 differs" in proc.stdout


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("broken.jsonl", b"{not json\n", "broken.jsonl:1: invalid JSON"),
        ("latin.txt", "na\u00efve".encode("latin-1"), "latin.txt: not valid UTF-8"),
        ("blank.txt", b"\n \n", "blank.txt: document 'blank' is empty"),
        ("sheet.xlsx", b"PK", "sheet.xlsx: unsupported file type"),
        ("doc.pdf", b"%PDF-1.4", "doc.pdf: not a readable PDF"),
        ("doc.docx", b"PK\x03\x04", "doc.docx: not a readable DOCX file"),
    ],
)
def test_bad_input_exits_2_naming_the_file(tmp_path, name, content, needle):
    (tmp_path / name).write_bytes(content)
    proc = run_cli("summarize", str(tmp_path / name), "--backend", "extractive", "--quiet")
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_missing_path_and_bad_result_exit_2(tmp_path):
    proc = run_cli("summarize", str(tmp_path / "missing.txt"), "--backend", "extractive", "--quiet")
    assert proc.returncode == 2 and "missing.txt: no such file or folder" in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1}', encoding="utf-8")
    proc = run_cli("verify", str(bad))
    assert proc.returncode == 2 and "bad.json: not a result of schema version 1" in proc.stderr


def test_result_json_is_written_as_json_dumps_would_write_it(tmp_path):
    # The CLI serializes with pydantic-core (several times faster); the bytes must stay those of
    # ``json.dumps(..., ensure_ascii=False, indent=2)``: escapes, non-ASCII text, empty lists.
    odd = ("Control \x01 and \x1f chars, a tab\tand a backslash \\ with \"quotes\" appear here today.\n"
           "Émigrés in Zürich said 漢字 and 😀 were fine on Tuesday in the city.\u2028"
           "Line separators and \u00a0 spaces count as text for the summary here too.\n")
    (tmp_path / "odd.txt").write_text(odd, encoding="utf-8")
    out = tmp_path / "result.json"
    proc = run_cli("summarize", str(tmp_path / "odd.txt"), "--backend", "extractive", "--quiet", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    written = out.read_bytes()
    assert written == (json.dumps(json.loads(written), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    stdout = run_cli("summarize", str(tmp_path / "odd.txt"), "--backend", "extractive", "--quiet")
    assert json.loads(stdout.stdout)["sources"] == json.loads(written)["sources"]
