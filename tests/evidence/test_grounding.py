"""The grounding engine, check by check: figures, names, polarity, roles, spans."""

from __future__ import annotations

import pytest

from summarizer.evidence.analysis import analyse
from summarizer.evidence.grounding import CONTRADICTED, SUPPORTED, UNSUPPORTED, Grounder, Passage

NEWS = [
    "The Bush administration has pledged $350 million in aid to the tsunami victims.",
    "Mark Tucker has been left out of the squad for the match against Wales.",
    "Police said all four suicide bombers were killed in the blasts.",
    "About 120,000 people were evacuated from the coastal region.",
    "Britain accused Iran of seizing 15 sailors in Iraqi waters.",
    "Tony Blair expressed his disappointment at the decision on Monday.",
    "Unemployment rose by 3 percent last year.",
    "Russian troops were withdrawing from the northeastern city of Kharkiv.",
    "Alex Smith scored twice in the second half.",
    "The U.S. government sent two aircraft carriers to the region.",
    "A total of 235,000 homes were destroyed.",
]


@pytest.fixture(scope="module")
def grounder() -> Grounder:
    return Grounder([Passage(t, f"s{i}", 0) for i, t in enumerate(NEWS)])


def verdict(grounder: Grounder, claim: str):
    return grounder.check(claim)


@pytest.mark.parametrize("claim", [
    "Police said all four suicide bombers were killed.",
    "All 4 suicide bombers were killed, police said.",
    "Some 120.000 people were evacuated from the coastal region.",  # European thousands separator
    "About 120 000 people were evacuated from the coastal region.",
    "A total of 235, 000 homes were destroyed.",  # "235, 000" as scraped
    "A total of two hundred and thirty-five thousand homes were destroyed.",
    "Britain accused Iran of seizing fifteen sailors.",
])
def test_figures_agree_across_written_forms(grounder, claim):
    assert verdict(grounder, claim).status == SUPPORTED


@pytest.mark.parametrize("claim", [
    "All ten suicide bombers were killed.",  # the same bombers counted differently: a contradiction
    "All 9 suicide bombers were killed.",
    "A total of 253,000 homes were destroyed.",
])
def test_a_changed_figure_is_contradicted(grounder, claim):
    v = verdict(grounder, claim)
    assert (v.status, v.reason) == (CONTRADICTED, "number_mismatch")


def test_a_figure_nowhere_in_the_passages_is_unsupported(grounder):
    v = verdict(grounder, "Britain accused Iran of seizing 15 sailors and 40 marines in Iraqi waters.")
    assert v.status != SUPPORTED and v.reason.startswith("number")


@pytest.mark.parametrize("claim,reason", [
    ("The Bush administration has not pledged $350 million in aid.", "negation"),
    ("Police said the suicide bombers were never killed in the blasts.", "negation"),
    ("Mark Tucker has been included in the squad for the match against Wales.", "antonym"),
    ("Unemployment fell by 3 percent last year.", "antonym"),
])
def test_the_opposite_is_contradicted(grounder, claim, reason):
    v = verdict(grounder, claim)
    assert (v.status, v.reason) == (CONTRADICTED, reason)


def test_double_negation_and_negated_antonym_agree(grounder):
    assert verdict(grounder, "Mark Tucker has not been included in the squad for the match.").status != CONTRADICTED


def test_a_swapped_name_is_unsupported(grounder):
    v = verdict(grounder, "Alex Tucker has been left out of the squad for the match against Wales.")
    assert (v.status, v.reason, v.detail) == (UNSUPPORTED, "entity_missing", "Alex")


@pytest.mark.parametrize("claim", [
    "Russian troops were withdrawing from the northeastern city of Kharkov.",  # transliteration
    "The United States government sent two aircraft carriers to the region.",  # alias of U.S.
    "The American government sent two aircraft carriers to the region.",
    "Blair expressed his disappointment at the decision.",  # surname after the full name
])
def test_aliases_and_surnames_match(grounder, claim):
    assert verdict(grounder, claim).status == SUPPORTED


def test_subject_and_object_swapped_is_contradicted(grounder):
    v = verdict(grounder, "Iran accused Britain of seizing 15 sailors in Iraqi waters.")
    assert (v.status, v.reason) == (CONTRADICTED, "role_swap")


def test_passive_voice_keeps_the_roles(grounder):
    assert verdict(grounder, "Iran was accused by Britain of seizing 15 sailors.").status == SUPPORTED


def test_unrelated_claims_are_unsupported(grounder):
    v = verdict(grounder, "The tsunami killed many fishermen in Thailand.")
    assert v.status == UNSUPPORTED and v.reason == "low_coverage"


def test_rare_words_outweigh_common_ones():
    passages = [Passage(t) for t in [
        "The council met on Monday and the mayor spoke about the budget.",
        "The council said the budget would be discussed again next week.",
        "The council approved a new harbour wall costing a large sum.",
    ]]
    g = Grounder(passages)
    # Shares "council", "budget", "mayor"... but what it asserts ("demolished", "cathedral") is nowhere.
    assert g.check("The council and the mayor demolished the cathedral.").status == UNSUPPORTED
    assert g.check("The council approved a harbour wall.").status == SUPPORTED


def test_a_dateline_confirms_a_year_and_a_neighbour_lends_a_figure():
    text = "The storm hit the coast on Tuesday. Officials counted the damage. It destroyed 300 homes."
    sentences = ["The storm hit the coast on Tuesday.", "Officials counted the damage.", "It destroyed 300 homes."]
    passages = [Passage(s, "a", text.index(s)) for s in sentences]
    g = Grounder(passages, {"a": ["Wednesday, March 4, 2026"]})
    v = g.check("In 2026 the storm hit the coast on Tuesday.")
    assert v.status == SUPPORTED and v.passages == (0,)  # the year is confirmed, the dateline not cited
    assert Grounder(passages).check("In 2026 the storm hit the coast on Tuesday.").status == UNSUPPORTED


def test_made_up_quotes_are_unsupported(grounder):
    v = verdict(grounder, "Blair said the decision was “a betrayal of every voter”.")
    assert (v.status, v.reason) == (UNSUPPORTED, "quote_missing")


def test_thousands_separators_parse_to_one_value():
    values = [q.values for q in analyse("120,000 and 120.000 and 120 000 and 1,500.5").quantities]
    assert values[0] == {120000.0}
    assert 120000.0 in values[1] and 120000.0 in values[2]
    assert values[3] == {1500.5}


def test_number_words_percentages_money_and_ordinals():
    qs = analyse("Thirty-five per cent of the $1.5bn went to the twenty-first district, 21st overall.").quantities
    got = [(q.kind, sorted(q.values)) for q in qs]
    assert ("percent", [35.0]) in got and ("money", [1.5e9]) in got
    assert got.count(("ordinal", [21.0])) == 2
