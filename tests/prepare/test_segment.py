"""Example tests for sentence segmentation on the cases news text throws at it."""

from __future__ import annotations

import pytest

from summarizer.prepare.segment import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. Smith arrived. He sat down.", ["Mr. Smith arrived.", "He sat down."]),
        ("The U.S. Army moved. Then it stopped.", ["The U.S. Army moved.", "Then it stopped."]),
        ("It began on Feb. 24 in Kyiv. Fighting went on.", ["It began on Feb. 24 in Kyiv.", "Fighting went on."]),
        ("John F. Kennedy spoke. Crowds cheered.", ["John F. Kennedy spoke.", "Crowds cheered."]),
        ("Prices rose, e.g. bread and milk. Wages fell.", ["Prices rose, e.g. bread and milk.", "Wages fell."]),
        ("Dr. Jones left at 5 p.m. on Friday.", ["Dr. Jones left at 5 p.m. on Friday."]),
    ],
)
def test_abbreviations_do_not_end_sentences(text, expected):
    assert sentences(text) == expected


def test_closing_quotes_stay_with_their_sentence():
    text = "“We will win,” he said. “The war is over.” Nobody agreed. He asked: \"Why?\" Then left."
    assert sentences(text) == [
        "“We will win,” he said.",
        "“The war is over.”",
        "Nobody agreed.",
        'He asked: "Why?"',
        "Then left.",
    ]


def test_headlines_without_final_punctuation_are_their_own_sentences():
    text = "Ukraine retakes Kharkiv\nThe army advanced on Monday. It met little resistance."
    assert sentences(text) == [
        "Ukraine retakes Kharkiv",
        "The army advanced on Monday.",
        "It met little resistance.",
    ]


def test_blank_lines_end_paragraphs_even_without_punctuation():
    text = "First paragraph ends here\n\nsecond paragraph starts lower case\r\n\r\nThird one"
    assert sentences(text) == [
        "First paragraph ends here",
        "second paragraph starts lower case",
        "Third one",
    ]


def test_hard_wrapped_lines_run_on():
    text = "The minister said the plan,\nwhich was agreed last week,\nwould go ahead. Next."
    assert sentences(text) == [
        "The minister said the plan,\nwhich was agreed last week,\nwould go ahead.",
        "Next.",
    ]


def test_crlf_offsets_are_exact_and_trimmed():
    text = "  One.\r\nTwo!\r\n\r\n\tThree?  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["One.", "Two!", "Three?"]
    assert spans[0] == (2, 6)


def test_decimal_numbers_and_ellipsis_inside_sentence():
    assert sentences("Growth was 3.5 percent… or so. Then 1.4 million left.") == [
        "Growth was 3.5 percent… or so.",
        "Then 1.4 million left.",
    ]


def test_empty_and_whitespace_text_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \r\n\t \n") == []


def test_cjk_and_indic_sentence_ends():
    text = "市政府宣布了新计划。该计划包括四条线路！你同意吗？「好的。」最后一句\nनया बजट मंजूर किया। कुल बजट बड़ा है॥ هل ستكفي؟ نعم."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "市政府宣布了新计划。", "该计划包括四条线路！", "你同意吗？", "「好的。」", "最后一句",
        "नया बजट मंजूर किया।", "कुल बजट बड़ा है॥", "هل ستكفي؟", "نعم."]
