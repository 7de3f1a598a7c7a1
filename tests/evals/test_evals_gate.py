"""The eval gate on real extractive results: a good result passes; a tampered offset, a citation
to a missing source, or an uncited sentence fails, naming the case and the metric."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from summarizer.config.options import SummaryOptions
from summarizer.contract.result import Citation, Sentence
from summarizer.evals import assert_case, evaluate, load_suite_file
from summarizer.evals.gate import check_thresholds, compare_baseline
from summarizer.pipeline import summarize

SUITE = """
name = "t"
[thresholds]
support_recall = 0.99
[[cases]]
id = "harbor"
documents = [
  {{ id = "a", text = "Share this article\\n\\nThe council voted to rebuild the harbor wall in May. The work will cost 4.2 million euros, the mayor said. The old wall was damaged by a storm in 2023." }},
  {{ id = "b", text = "The harbor wall will be rebuilt from May. The council puts the cost at 5.1 million euros. Twelve houses were flooded in 2023." }},
]
references = ["The council will rebuild the harbor wall from May."]
{extra}
"""


def make_case(tmp_path: Path, extra: str = ""):
    f = tmp_path / "suite.toml"
    f.write_text(SUITE.format(extra=textwrap.dedent(extra)), encoding="utf-8")
    return load_suite_file(f).cases[0]


@pytest.fixture
def case(tmp_path):
    return make_case(tmp_path)


@pytest.fixture
def good(case):
    return asyncio.run(summarize(case.documents, SummaryOptions(backend="extractive")))


def metrics_failed(outcome) -> set[str]:
    return {f.metric for f in outcome.failures}


def test_good_result_passes(case, good):
    outcome = evaluate(case, result=good)
    assert outcome.passed, outcome.failures
    assert outcome.values["citation_validity"] == 1.0
    assert outcome.values["support_recall"] == 1.0
    assert 0 < outcome.values["rouge1"] <= 1


def test_tampered_offset_fails(case, good):
    c = good.consolidated[0].citations[0]
    good.consolidated[0].citations[0] = c.model_copy(update={"start": c.start + 1})
    outcome = evaluate(case, result=good)
    assert not outcome.passed
    assert "invalid_citations" in metrics_failed(outcome)
    assert outcome.values["citation_validity"] < 1.0
    assert any("consolidated[0]" in n for n in outcome.notes["invalid_citations"])
    assert "harbor" in str(outcome.failures[0])


def test_invalid_citation_fails_even_if_thresholds_allow_it(tmp_path):
    case = make_case(tmp_path, "[cases.thresholds]\ninvalid_citations = 5\ncitation_validity = 0.0\n")
    result = asyncio.run(summarize(case.documents, SummaryOptions(backend="extractive")))
    s = result.consolidated[0]
    s.citations.append(Citation(source_id="a", start=0, end=5, text="WRONG"))
    assert "invalid_citations" in metrics_failed(evaluate(case, result=result))


def test_citation_to_missing_source_fails(case, good):
    good.consolidated[0].citations.append(Citation(source_id="nope", start=0, end=3, text="The"))
    outcome = evaluate(case, result=good)
    assert "invalid_citations" in metrics_failed(outcome)
    assert any("nope" in n for n in outcome.notes["invalid_citations"])


def test_uncited_sentence_fails(case, good):
    good.consolidated.append(Sentence(text="Made up claim.", citations=[]))
    outcome = evaluate(case, result=good)
    assert "uncited_sentences" in metrics_failed(outcome)
    assert "t/harbor: uncited_sentences = 1, expected <= 0" in [str(f) for f in outcome.failures]


def test_unsupported_sentence_lowers_support_recall(case, good):
    c = good.consolidated[0].citations[0]
    good.consolidated[0] = Sentence(text="Aliens landed on the moon yesterday evening.", citations=[c])
    outcome = evaluate(case, result=good)
    assert outcome.values["support_recall"] < 1.0
    assert "support_recall" in metrics_failed(outcome)


def test_contradicted_sentence_fails_the_case_even_with_support_floors_met(tmp_path):
    case = make_case(tmp_path, "[cases.thresholds]\nsupport_recall = 0.0\nsupport_precision = 0.0\n")
    result = asyncio.run(summarize(case.documents, SummaryOptions(backend="extractive")))
    src = case.documents[0].text
    start = src.index("The work will cost")
    end = src.index("said.", start) + len("said.")
    cite = Citation(source_id="a", start=start, end=end, text=src[start:end])
    result.consolidated.append(Sentence(text="The work will cost 9.5 million euros, the mayor said.", citations=[cite]))
    outcome = evaluate(case, result=result)
    assert outcome.values["contradicted_sentences"] == 1
    assert metrics_failed(outcome) == {"contradicted_sentences"}
    assert any("number_mismatch" in n for n in outcome.notes["contradicted_sentences"])


def test_junk_citation_counted(case, good):
    src = case.documents[0].text
    end = src.index("\n")
    good.consolidated.append(Sentence(text="Share this article",
                                      citations=[Citation(source_id="a", start=0, end=end, text=src[:end])]))
    outcome = evaluate(case, result=good)
    assert outcome.values["junk_cited"] == 1
    assert "junk_cited" in metrics_failed(outcome)


def test_expectations(tmp_path):
    case = make_case(tmp_path, """
        [[cases.expect.facts]]
        keywords = ["harbor", "wall"]
        [[cases.expect.facts]]
        name = "absent"
        keywords = ["submarine|zeppelin"]
        [[cases.expect.no_cite]]
        text = "The council voted to rebuild"
        [[cases.expect.conflicts]]
        keywords = ["4.2", "5.1"]
    """)
    outcome = evaluate(case, backend="extractive")
    assert outcome.values["facts_recall"] == 0.5
    assert outcome.notes["facts_recall"] == ["missing fact: absent"]
    assert outcome.values["conflicts_recall"] == 1.0
    assert outcome.values["no_cite_violations"] >= 1  # the extractive summary cites that sentence
    assert {"facts_recall", "no_cite_violations"} <= metrics_failed(outcome)


def test_backend_thresholds_override(tmp_path):
    case = make_case(tmp_path, "[cases.backend_thresholds.extractive]\nrouge1 = 0.99\n")
    outcome = evaluate(case, backend="extractive")
    assert [f.metric for f in outcome.failures] == ["rouge1"]
    assert case.thresholds("local") == {"support_recall": 0.99}


def test_threshold_directions():
    values = {"rouge1": 0.3, "redundancy": 0.5, "words": 50, "invalid_citations": 0}
    fails = check_thresholds("c", values, {"rouge1": 0.4, "redundancy": 0.4, "words": {"min": 60}})
    assert {(f.metric, f.expected) for f in fails} == {("rouge1", ">= 0.4"), ("redundancy", "<= 0.4"), ("words", ">= 60")}
    assert check_thresholds("c", values, {"rouge1": 0.3, "redundancy": 0.5, "words": {"max": 50}}) == []


def test_baseline_regression_detected():
    base = {"s/c": {"rouge1": 0.45, "support_recall": 1.0, "uncited_sentences": 0, "seconds": 0.1}}
    now = {"s/c": {"rouge1": 0.40, "support_recall": 0.99, "uncited_sentences": 0, "seconds": 9.0}}
    fails = compare_baseline(now, base, tolerance=0.02)
    assert [(f.case, f.metric) for f in fails] == [("s/c", "rouge1")]  # seconds are not compared
    assert compare_baseline(now, base, tolerance=0.1) == []


def test_assert_case_helper(case, good):
    assert assert_case(case, result=good).passed
    with pytest.raises(AssertionError, match=r"rouge1 = [\d.]+, expected >= 0.999"):
        assert_case(case, result=good, thresholds={"rouge1": 0.999})
    assert assert_case(case, result=good).passed  # extra thresholds do not stick to the case
    good.consolidated.append(Sentence(text="x", citations=[]))
    with pytest.raises(AssertionError, match="uncited_sentences = 1"):
        assert_case(case, result=good)
