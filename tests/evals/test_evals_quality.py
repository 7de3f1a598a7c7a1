"""Eval suites check what issue 17 asks: the length in words, a focus per case, no dangling
sentence, and ROUGE per suite next to the Lead baseline."""

from __future__ import annotations

from summarizer.contract.result import Citation, Sentence, SourceInfo, Stats, SummaryResult
from summarizer.evidence.citations import sha256_text
from summarizer.evals import load_suite_file
from summarizer.evals.case_runner import score
from summarizer.evals.reports import to_markdown

DOC = ("The river rose four metres overnight and flooded the lower town on Monday.\n\n"
       "He said the water had never been that high in living memory.\n\n"
       "Three hundred people left their homes by boat before dawn, officials said.")


def _suite(tmp_path, body: str):
    path = tmp_path / "suite.toml"
    path.write_text(body, encoding="utf-8")
    return load_suite_file(path)


def _result(sentences: list[tuple[int, int]]) -> SummaryResult:
    out = [Sentence(text=DOC[a:b], citations=[Citation(source_id="d", start=a, end=b, text=DOC[a:b])])
           for a, b in sentences]
    return SummaryResult(sources=[SourceInfo(id="d", sha256=sha256_text(DOC), chars=len(DOC))], per_source=[], consolidated=out, stats=Stats(backend="x"))


def _span(text: str) -> tuple[int, int]:
    a = DOC.index(text)
    return a, a + len(text)


def test_focus_and_words_of_a_case_are_options_and_the_length_is_checked(tmp_path):
    suite = _suite(tmp_path, f'''
[[cases]]
id = "flood"
focus = "How many people left?"
words = 40
references = ["The river flooded the lower town and three hundred people left by boat."]
documents = [{{ id = "d", text = """{DOC}""" }}]
''')
    case = suite.cases[0]
    assert case.options == {"focus": "How many people left?", "words": 40}
    short = score(case, _result([_span("Three hundred people left their homes by boat before dawn, officials said.")]), "x")
    assert short.values["words_error"] > 0.1
    assert any(f.metric == "words_error" for f in short.failures)
    assert short.values["lead_rouge1"] > 0 and short.values["rouge1"] > 0


def test_a_sentence_pointing_back_is_counted_and_rouge_is_reported_per_suite_with_lead(tmp_path):
    suite = _suite(tmp_path, f'''
name = "floods"
[thresholds]
dangling_sentences = 0
[[cases]]
id = "flood"
references = ["The river flooded the lower town and three hundred people left by boat."]
documents = [{{ id = "d", text = """{DOC}""" }}]
''')
    outcome = score(suite.cases[0], _result([_span("He said the water had never been that high in living memory.")]), "x")
    assert outcome.values["dangling_sentences"] == 1
    assert [f.metric for f in outcome.failures] == ["dangling_sentences"]
    table = to_markdown([outcome], [])
    assert "| floods | x | 1 |" in table and "Lead R1" in table


def test_a_sentence_pointing_back_right_after_its_antecedent_is_not_dangling(tmp_path):
    suite = _suite(tmp_path, f'''
[thresholds]
dangling_sentences = 0
[[cases]]
id = "flood"
documents = [{{ id = "d", text = """{DOC}""" }}]
''')
    first = _span("The river rose four metres overnight and flooded the lower town on Monday.")
    second = _span("He said the water had never been that high in living memory.")
    third = _span("Three hundred people left their homes by boat before dawn, officials said.")
    assert score(suite.cases[0], _result([first, second]), "x").values["dangling_sentences"] == 0
    assert score(suite.cases[0], _result([third, second]), "x").values["dangling_sentences"] == 1
    assert score(suite.cases[0], _result([second, first]), "x").values["dangling_sentences"] == 1
