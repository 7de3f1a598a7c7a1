"""Reports: JSON (also the ``--baseline`` format), JUnit XML (one testcase per case, one failure
per failed metric) and a Markdown table (also appended to ``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..errors import EvalError
from .case_runner import CaseOutcome
from .gate import Failure

REPORT_VERSION = 1
TABLE_METRICS = ["citation_validity", "uncited_sentences", "support_recall", "support_precision",
                 "contradicted_sentences", "junk_cited",
                 "rouge1", "rouge2", "rougeL", "lead_rouge1", "redundancy", "sentences", "words", "words_error",
                 "dangling_sentences", "facts_recall",
                 "conflicts_recall", "llm_calls", "tokens", "seconds"]


def to_json(outcomes: list[CaseOutcome], regressions: list[Failure]) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "passed": all(o.passed for o in outcomes) and not regressions,
        "cases": {
            o.case: {"backend": o.backend, "passed": o.passed, "cached": o.cached, "error": o.error,
                     "metrics": o.values, "failures": [str(f) for f in o.failures], "notes": o.notes}
            for o in outcomes
        },
        "regressions": [str(f) for f in regressions],
    }


def load_baseline(path: Path) -> dict[str, dict[str, Any]]:
    """Case name -> metrics, from a JSON report written by an earlier run."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {name: dict(c["metrics"]) for name, c in data["cases"].items()}
    except OSError as exc:
        raise EvalError(f"baseline {path}: cannot read ({exc.strerror})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EvalError(f"baseline {path}: not JSON ({exc})") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise EvalError(f"baseline {path}: not an eval report (missing {exc})") from exc


def to_junit(outcomes: list[CaseOutcome], regressions: list[Failure]) -> str:
    suite = ET.Element("testsuite", name="summarizer-eval", tests=str(len(outcomes)))
    n_fail = n_err = 0
    for o in outcomes:
        classname, _, name = o.case.rpartition("/")
        tc = ET.SubElement(suite, "testcase", classname=classname or "eval", name=f"{name}[{o.backend}]")
        if o.error:
            n_err += 1
            ET.SubElement(tc, "error", message=o.error).text = o.error
        mine = o.failures + [r for r in regressions if r.case == o.case]
        n_fail += bool(mine)
        for f in mine:
            el = ET.SubElement(tc, "failure", message=str(f), type=f.metric)
            el.text = "\n".join((str(f),) + f.details)
        ET.SubElement(tc, "system-out").text = json.dumps(o.values, sort_keys=True)
    suite.set("failures", str(n_fail))
    suite.set("errors", str(n_err))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def to_markdown(outcomes: list[CaseOutcome], regressions: list[Failure]) -> str:
    cols = [m for m in TABLE_METRICS if any(o.values.get(m) is not None for o in outcomes)]
    lines = ["### Summary evals", "",
             "| case | backend | result | " + " | ".join(cols) + " |",
             "|" + "---|" * (3 + len(cols))]
    for o in outcomes:
        status = "pass" if o.passed and not any(r.case == o.case for r in regressions) else "**FAIL**"
        lines.append(f"| {o.case} | {o.backend} | {status} | " + " | ".join(_cell(o.values.get(m)) for m in cols) + " |")
    lines += rouge_by_suite(outcomes)
    problems = [str(f) for o in outcomes for f in o.failures] + [f"{o.case}: {o.error}" for o in outcomes if o.error]
    problems += [str(r) for r in regressions]
    if problems:
        lines += ["", "Failures:", ""] + [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"


def rouge_by_suite(outcomes: list[CaseOutcome]) -> list[str]:
    """Mean ROUGE F1 of each suite's cases that have references, next to the Lead baseline (the
    documents' first sentences, cut to the same length as each summary)."""
    suites: dict[tuple[str, str], list[CaseOutcome]] = {}
    for o in outcomes:
        if o.values.get("rouge1") is not None and o.values.get("lead_rouge1") is not None:
            suites.setdefault((o.case.rpartition("/")[0], o.backend), []).append(o)
    if not suites:
        return []
    out = ["", "ROUGE F1 per suite (mean over cases with references), next to the Lead baseline:", "",
           "| suite | backend | cases | R1 | R2 | RL | Lead R1 | Lead R2 | Lead RL |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for (suite, backend), cases in suites.items():
        mean = {k: sum(o.values[k] for o in cases) / len(cases)
                for k in ("rouge1", "rouge2", "rougeL", "lead_rouge1", "lead_rouge2", "lead_rougeL")}
        out.append(f"| {suite} | {backend} | {len(cases)} | " + " | ".join(f"{mean[k]:.3f}" for k in mean) + " |")
    return out


def write_reports(directory: Path, outcomes: list[CaseOutcome], regressions: list[Failure]) -> list[Path]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        files = {
            "eval.json": json.dumps(to_json(outcomes, regressions), indent=2, ensure_ascii=False) + "\n",
            "junit.xml": to_junit(outcomes, regressions),
            "eval.md": to_markdown(outcomes, regressions),
        }
        written = []
        for name, body in files.items():
            (directory / name).write_text(body, encoding="utf-8")
            written.append(directory / name)
        return written
    except OSError as exc:
        raise EvalError(f"cannot write reports to {directory}: {exc}") from exc


def append_step_summary(markdown: str) -> None:
    """GitHub Actions shows ``$GITHUB_STEP_SUMMARY`` on the run page; append, never overwrite."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown + "\n")
    except OSError as exc:
        raise EvalError(f"cannot append to GITHUB_STEP_SUMMARY {target}: {exc}") from exc
