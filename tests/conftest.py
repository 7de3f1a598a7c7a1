"""Shared test helpers: hypothesis strategies for messy scraped text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

# Pieces that stress offsets: emoji (incl. ZWJ sequences), combining marks, CRLF, lone CR, RTL
# text and marks, zero-width chars, tabs, runs of spaces, abbreviations and closing quotes.
_PIECES = [
    "Hello world.", "Mr. Smith went to Washington.", "The U.S. economy grew.", "Feb. 24",
    "e.g. this", "\u201cQuoted,\u201d he said.", "Wait!", "Why?", "Ellipsis\u2026", "\u2026",
    "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "e\u0301", "a\u0300\u0301",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd.", "\u0645\u0631\u062d\u0628\u0627",
    "\u200f", "\u200b", "\u200d", "\ufeff", "\u00a0", "\r\n", "\r", "\n", "\n\n", "\t", "   ",
    "    ", " ", ".", "!", "?", "'", '"', "(", ")", "a", "B", "12:30", "3.14", "x" * 40,
    "Headline without punctuation", "Credit: Getty", "\u3002", "\u4e2d\u6587\u5b57",
]

messy_text = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text(min_size=0, max_size=12)), min_size=0, max_size=40
).map("".join)

sentence_words = st.lists(
    st.sampled_from(
        "the army city border forces said Monday Kharkiv Russian Ukraine troops river bridge "
        "mayor people returning battle over war region officials report shows new".split()
    ),
    min_size=3,
    max_size=18,
)


@st.composite
def documents_text(draw) -> str:
    """A news-like document: paragraphs of sentences, with messy bits mixed in."""
    paras = []
    for _ in range(draw(st.integers(1, 6))):
        sents = []
        for _ in range(draw(st.integers(1, 4))):
            words = draw(sentence_words)
            sents.append(" ".join(words).capitalize() + draw(st.sampled_from([".", "!", "?", "", ".\u201d"])))
            if draw(st.booleans()):
                sents.append(draw(messy_text))
        paras.append(" ".join(sents))
    sep = draw(st.sampled_from(["\n\n", "\r\n\r\n", "\n", "\n \n"]))
    return sep.join(paras)
