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
                 "rouge1", "rouge2", "rougeL", "redundancy", "sentences", "words", "facts_recall",
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
    problems = [str(f) for o in outcomes for f in o.failures] + [f"{o.case}: {o.error}" for o in outcomes if o.error]
    problems += [str(r) for r in regressions]
    if problems:
        lines += ["", "Failures:", ""] + [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"


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
