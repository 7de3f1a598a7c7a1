"""``summarizer eval`` end to end on real suites: exit codes, reports, baseline, cache."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from summarizer.backends import Backend
from summarizer.cli import main
from summarizer.errors import BackendError, InputError
from summarizer.evals import load_suites
from summarizer.evals import case_runner

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "evals" / "example" / "suite.toml"


def write_suite(tmp_path: Path, thresholds: str = "") -> Path:
    f = tmp_path / "suite.toml"
    f.write_text(EXAMPLE.read_text(encoding="utf-8").replace('"docs/harbor.txt"', repr(str(EXAMPLE.parent / "docs" / "harbor.txt")).replace("'", '"'))
                 + thresholds, encoding="utf-8")
    return f


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["eval", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_passing_suite_writes_reports(tmp_path, capsys, monkeypatch):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, err = run_cli(capsys, str(EXAMPLE), "--report", str(tmp_path / "rep"), "--no-cache")
    assert code == 0, err
    assert "| example/harbor | extractive | pass |" in out
    report = json.loads((tmp_path / "rep" / "eval.json").read_text())
    assert report["passed"] is True
    assert report["cases"]["example/harbor"]["metrics"]["citation_validity"] == 1.0
    junit = ET.parse(tmp_path / "rep" / "junit.xml").getroot()
    assert junit.tag == "testsuite" and junit.get("failures") == "0"
    assert [tc.get("name") for tc in junit.iter("testcase")] == ["harbor[extractive]"]
    assert (tmp_path / "rep" / "eval.md").read_text().startswith("### Summary evals")
    text = summary.read_text()
    assert text.startswith("earlier step\n") and "example/harbor" in text  # appended, not replaced


def test_failing_threshold_exits_1_and_names_case_and_metric(tmp_path, capsys):
    suite = write_suite(tmp_path, "\n[backend_thresholds.extractive]\nrouge2 = 0.99\nredundancy = 0.0\n")
    code, out, err = run_cli(capsys, str(suite), "--report", str(tmp_path / "rep"), "--no-cache")
    assert code == 1
    assert "FAIL example/harbor: rouge2 = " in err and "expected >= 0.99" in err
    assert "FAIL example/harbor: redundancy = " in err
    junit = ET.parse(tmp_path / "rep" / "junit.xml").getroot()
    failures = list(junit.iter("failure"))
    assert {f.get("type") for f in failures} == {"rouge2", "redundancy"}  # one failure per metric
    assert junit.get("failures") == "1"
    assert "**FAIL**" in out


def test_baseline_regression(tmp_path, capsys):
    code, _, _ = run_cli(capsys, str(EXAMPLE), "--report", str(tmp_path / "base"), "--no-cache")
    assert code == 0
    base = tmp_path / "base" / "eval.json"
    code, _, err = run_cli(capsys, str(EXAMPLE), "--baseline", str(base), "--no-cache")
    assert code == 0, err  # same build, same scores
    data = json.loads(base.read_text())
    data["cases"]["example/harbor"]["metrics"]["rouge1"] += 0.2  # the baseline was better
    base.write_text(json.dumps(data))
    code, _, err = run_cli(capsys, str(EXAMPLE), "--baseline", str(base), "--no-cache", "--tolerance", "0.05")
    assert code == 1
    assert "REGRESSION example/harbor: rouge1" in err


def test_bad_baseline_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "b.json"
    bad.write_text("{}")
    code, _, err = run_cli(capsys, str(EXAMPLE), "--baseline", str(bad), "--no-cache")
    assert code == 2 and "not an eval report" in err


def test_cache_reruns_without_summarizing(tmp_path, capsys, monkeypatch):
    cache = tmp_path / "cache"
    code, _, err = run_cli(capsys, str(EXAMPLE), "--cache-dir", str(cache))
    assert code == 0 and "(cached)" not in err

    async def broken(*a, **k):  # fault injection: any real run now fails loudly
        raise BackendError("summarize called despite a cached result")

    monkeypatch.setattr(case_runner, "summarize", broken)
    code, _, err = run_cli(capsys, str(EXAMPLE), "--cache-dir", str(cache), "--report", str(tmp_path / "r"))
    assert code == 0 and "PASS example/harbor [extractive] (cached)" in err
    assert json.loads((tmp_path / "r" / "eval.json").read_text())["cases"]["example/harbor"]["cached"] is True
    # A changed document is a different case: it must run again (and here, hit the fault).
    suite = write_suite(tmp_path).read_text().replace("Twelve houses", "Eleven houses")
    (tmp_path / "suite.toml").write_text(suite)
    code, _, err = run_cli(capsys, str(tmp_path / "suite.toml"), "--cache-dir", str(cache))
    assert code == 1 and "summarize called despite" in err


def test_shipped_suites_pass_with_extractive(tmp_path, capsys):
    code, out, err = run_cli(capsys, str(ROOT / "evals"), "--no-cache")
    assert code == 0, err
    for name in ("seeds/kharkiv", "wikinews/M000-tsunami-aid", "wikinews/M001-london-bombings", "wikinews/M002-uk-sailors"):
        assert f"| {name} | extractive | pass |" in out


@pytest.mark.parametrize("body, message", [
    ('name = "x"\ncases = []\n', "cases"),
    ('[[cases]]\nid = "a"\ndocuments = ["missing.txt"]\n', "not found"),
    ('[[cases]]\nid = "a"\ndocuments = [{id="d", text="t"}]\nbogus = 1\n', "bogus"),
    ('[[cases]]\nid = "a"\ndocuments = [{id="d", text="t"}]\n[cases.thresholds]\nwords = 5\n', "must say min or max"),
    ('[[cases]]\nid = "a"\ndocuments = [{id="d", text="t"}]\n[thresholds]\nrouge9 = 5\n', "unknown metric 'rouge9'"),
    ('not toml [', "invalid TOML"),
])
def test_bad_suites_are_clear_errors(tmp_path, capsys, body, message):
    f = tmp_path / "suite.toml"
    f.write_text(body)
    with pytest.raises(InputError, match=message):
        load_suites([f])
    code, _, err = run_cli(capsys, str(f), "--no-cache")
    assert code == 2 and "summarizer: error:" in err


def test_unknown_backend_fails_the_case_not_the_gate(capsys):
    code, _, err = run_cli(capsys, str(EXAMPLE), "--backend", "no-such-backend", "--no-cache")
    assert code == 1
    assert "FAIL example/harbor: ConfigError: unknown backend 'no-such-backend'" in err


class JunkCitingBackend(Backend):
    """A broken build (fault injection): a backend whose consolidated summary cites page furniture."""

    name = "junk-citing"

    async def summarize(self, corpus, options, progress):
        from summarizer.backends import Draft
        from summarizer.backends.extractive import ExtractiveBackend
        from summarizer.contract.result import Sentence
        from summarizer.evidence.citations import cite

        draft = await ExtractiveBackend().summarize(corpus, options, progress)
        texts = corpus.texts
        junk = [(sid, j) for sid, spans in corpus.junk.items() for j in spans]
        extra = [Sentence(text=texts[sid][j.start:j.end], citations=[cite(texts, sid, j.start, j.end)]) for sid, j in junk]
        return Draft(draft.per_source, draft.consolidated + extra, draft.conflicts, draft.stats)


def test_broken_backend_fails_the_shipped_seeds_gate(capsys, request):
    from summarizer.backends import BACKENDS, register

    register("junk-citing", lambda settings, options: JunkCitingBackend())
    request.addfinalizer(lambda: BACKENDS.unregister("junk-citing"))
    code, _, err = run_cli(capsys, str(ROOT / "evals" / "seeds"), "--backend", "junk-citing", "--no-cache")
    assert code == 1
    assert "FAIL seeds/kharkiv: junk_cited = " in err
    assert "FAIL seeds/kharkiv: no_cite_violations = " in err


def test_damaged_cache_entry_is_rerun(tmp_path, capsys, caplog):
    import sqlite3

    cache = tmp_path / "cache"
    assert run_cli(capsys, str(EXAMPLE), "--cache-dir", str(cache))[0] == 0
    with sqlite3.connect(cache / "eval-cache.sqlite3") as db:
        db.execute("UPDATE results SET result = '{not json'")
    code, _, err = run_cli(capsys, str(EXAMPLE), "--cache-dir", str(cache))
    assert code == 0 and "(cached)" not in err
    assert "unusable entry" in caplog.text
