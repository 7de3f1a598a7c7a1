"""The ALCE-style support scorer (grounding engine as judge) and the metrics that need no run."""

from __future__ import annotations

from summarizer.contract.result import Citation, Sentence
from summarizer.evals.gate import check_thresholds
from summarizer.evals.scores import DEFAULT_THRESHOLDS, redundancy, rouge
from summarizer.evals.support_metric import judge, score_sentences

A = "The council voted on Monday to rebuild the harbor wall."
B = "Work will cost 4.2 million euros, the mayor said."


def cit(text: str, sid: str = "s") -> Citation:
    return Citation(source_id=sid, start=0, end=len(text), text=text)


def test_judge_checks_words_and_figures_against_the_citations():
    assert judge("The council will rebuild the harbor wall.", [cit(A)]).supported
    assert not judge("Work will cost 5.1 million euros.", [cit(B)]).supported  # the figure differs
    assert not judge("Aliens landed on the moon.", [cit(A)]).supported


def test_recall_uses_the_concatenation_of_citations():
    s = Sentence(text="The council will rebuild the harbor wall for 4.2 million euros.", citations=[cit(A), cit(B)])
    score = score_sentences([s])
    assert score.recall == 1.0
    assert score.precision == 1.0  # neither alone supports it, removing either breaks it


def test_precision_drops_an_irrelevant_extra_citation():
    s = Sentence(text="The council voted to rebuild the harbor wall.", citations=[cit(A), cit("Unrelated weather news.")])
    score = score_sentences([s])
    assert score.recall == 1.0
    assert score.precision == 0.5


def test_unsupported_sentence_has_no_relevant_citations():
    s = Sentence(text="Aliens landed on the moon.", citations=[cit(A), cit(B)])
    score = score_sentences([s])
    assert (score.recall, score.precision, score.contradicted) == (0.0, 0.0, 0)


def test_a_contradicted_sentence_is_counted_and_fails_the_gate():
    s = Sentence(text="The council did not vote to rebuild the harbor wall.", citations=[cit(A)])
    score = score_sentences([s, Sentence(text=A, citations=[cit(A)])], labels=["consolidated[0]", "consolidated[1]"])
    assert score.contradicted == 1 and score.recall == 0.5
    assert score.notes and score.notes[0].startswith("consolidated[0]: contradicted")
    failures = check_thresholds("case", {"contradicted_sentences": score.contradicted, "invalid_citations": 0},
                                {"contradicted_sentences": DEFAULT_THRESHOLDS["contradicted_sentences"]})
    assert [f.metric for f in failures] == ["contradicted_sentences"]


def test_a_dateline_confirms_a_year_without_being_cited():
    s = Sentence(text="The council voted in 2025 to rebuild the harbor wall.", citations=[cit(A, "a")])
    assert score_sentences([s]).recall == 0.0
    assert score_sentences([s], dates={"a": ["Monday, March 3, 2025"]}).recall == 1.0


def test_redundancy_and_rouge():
    assert redundancy([A, A]) == 1.0
    assert redundancy([A, B]) < 0.2
    assert redundancy([A]) == 0.0
    r = rouge(A, [A, B])
    assert r["rouge1"] < 1.0 and rouge(A, [A])["rouge1"] == 1.0
    assert rouge(A, []) == {}
