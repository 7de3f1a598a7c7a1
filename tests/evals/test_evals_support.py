"""The local ALCE-style support scorer and the summary metrics that need no pipeline run."""

from __future__ import annotations

from summarizer.contract.result import Citation, Sentence
from summarizer.evals.scores import redundancy, rouge
from summarizer.evals.support_metric import coverage, premise_supports, score_sentences

A = "The council voted on Monday to rebuild the harbor wall."
B = "Work will cost 4.2 million euros, the mayor said."


def cit(text: str) -> Citation:
    return Citation(source_id="s", start=0, end=len(text), text=text)


def test_coverage_counts_content_words_and_numbers():
    assert coverage("The council will rebuild the harbor wall.", A) == 1.0
    assert coverage("Work will cost 5.1 million euros.", B) < 1.0  # the number differs
    assert coverage("the of and", "anything") == 1.0  # no content words: nothing to support
    assert not premise_supports(A, "Aliens landed on the moon.")


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
    assert (score.recall, score.precision) == (0.0, 0.0)


def test_redundancy_and_rouge():
    assert redundancy([A, A]) == 1.0
    assert redundancy([A, B]) < 0.2
    assert redundancy([A]) == 0.0
    r = rouge(A, [A, B])
    assert r["rouge1"] < 1.0 and rouge(A, [A])["rouge1"] == 1.0
    assert rouge(A, []) == {}
