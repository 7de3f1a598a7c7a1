"""Newline conventions: cleaning and segmentation read a text the same way whatever ends its lines,
and every offset indexes the text as given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.prepare.cleaning import find_junk
from summarizer.prepare.titles import guess_title
from summarizer.prepare.corpus import split_around_junk
from summarizer.prepare.newlines import as_lf, paragraph_breaks
from summarizer.prepare.segment import split_sentences

LINES = [
    "The city council approved the new budget on Monday evening after a long debate.",
    "The mayor said the budget would fund three new schools and a hospital wing,",
    "and the opposition called it reckless.", "Mayor Smith said it was a fair deal -",
    "Budget vote", "April 18, 2024", "Share on Facebook", "Credit: Getty Images", "Read more",
    "All rights reserved. This aggregator publishes summaries of news.", "Related articles",
    "Council approves budget in late session", "  indented line with spaces.  ", "Previous article",
    "市政府周一宣布了一项新的公共交通计划，将在未来五年内投资三百亿元用于地铁建设。该计划包括四条新线路。",
    "नगर परिषद ने सोमवार को अगले वर्ष के लिए नया बजट मंजूर किया। कुल बजट पांच अरब रुपये का है।",
    "Городской совет утвердил бюджет. Мэр доволен!", "Wait", "x",
]
# Each LF separator and what the other conventions write for it.
STYLES = {
    "cr": {"\n": "\r", "\n\n": "\r\r"},
    "crlf": {"\n": "\r\n", "\n\n": "\r\n\r\n"},
    "unicode": {"\n": "\u2028", "\n\n": "\u2029"},
    "nel": {"\n": "\x85", "\n\n": "\x85\x85"},
}

documents = st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(["\n", "\n\n"])), min_size=1, max_size=30)


def build(parts, seps: dict[str, str]) -> tuple[str, list[tuple[int, int]]]:
    """The text, and where each line starts in it."""
    text, starts = "", []
    for line, sep in parts:
        starts.append(len(text))
        text += line + seps.get(sep, sep)
    return text, starts


def mapper(parts, lf_starts, other_starts):
    """An LF offset inside (or at the end of) a line -> the same place in the other text."""
    def to_other(p: int) -> int:
        for (line, _), a, b in zip(reversed(parts), reversed(lf_starts), reversed(other_starts)):
            if a <= p <= a + len(line):
                return b + p - a
        raise AssertionError(p)
    return to_other


@given(documents, st.sampled_from(sorted(STYLES)))
@settings(max_examples=300, deadline=None)
def test_every_newline_style_reads_like_lf(parts, style):
    lf, lf_starts = build(parts, {})
    other, other_starts = build(parts, STYLES[style])
    to_other = mapper(parts, lf_starts, other_starts)

    junk_lf, junk_other = find_junk(lf), find_junk(other)
    assert [(to_other(j.start), to_other(j.end), j.reason) for j in junk_lf] == \
           [(j.start, j.end, j.reason) for j in junk_other]
    sents_lf, sents_other = split_around_junk(lf, junk_lf), split_around_junk(other, junk_other)
    assert [(to_other(a), to_other(b)) for a, b in sents_lf] == sents_other
    for a, b in sents_other:  # offsets index the text as given, trimmed
        assert other[a:b] and other[a:b] == other[a:b].strip()
    assert guess_title(other, junk_other) == guess_title(lf, junk_lf)


@given(st.text(alphabet="ab. \r\n\x0b\x0c\x1c\x85\u2028\u2029。", max_size=60))
@settings(max_examples=300)
def test_as_lf_keeps_every_offset(text):
    norm = as_lf(text)
    assert len(norm) == len(text)
    assert "\r" not in norm.replace("\n\r", "")  # every CR left is the second half of a CRLF
    for i, (a, b) in enumerate(zip(text, norm)):
        assert a == b or (a.isspace() and b.isspace())
        if text[i] in "\x1c\u2029":
            assert i in paragraph_breaks(text)
    for a, b in split_sentences(text):
        assert text[a:b] == text[a:b].strip() and text[a:b]
