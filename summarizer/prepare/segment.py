"""Sentence segmentation with exact offsets.

Pure function over ``str``: returns ``(start, end)`` pairs such that ``text[start:end]`` is the
sentence with surrounding whitespace trimmed. Rules, in order:

* a blank line always ends a sentence (paragraph break);
* a single newline ends a sentence unless the text clearly runs on (the next line starts in
  lower case, or this line ends with a comma, hyphen or other joining character) - scraped news
  puts headlines, captions and bylines on their own lines without final punctuation;
* ``.``, ``!``, ``?``, ``…`` (plus closing quotes/brackets) followed by whitespace end a sentence,
  unless the word before is a known abbreviation (Mr., Feb., U.S.), a single initial, or the next
  word starts in lower case; so do the danda (``।``, ``॥``), the Arabic question mark (``؟``) and
  the Urdu full stop (``۔``);
* the CJK full stops ``。！？｡`` (plus closing brackets) end a sentence with or without whitespace
  after them (those scripts put none);
* every newline convention counts (``\r\n``, ``\r``, U+2028; U+2029 as a blank line): boundaries
  are found in ``newlines.as_lf(text)``, which has the same offsets.

Candidate boundaries are found by ``str.find`` of the characters they open with and one compiled
regex tried at each, so the cost is linear and the Python work is per candidate, not per character.
"""

from __future__ import annotations

import re
from typing import Sequence

from .newlines import as_lf, paragraph_breaks

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft vs etc inc ltd co corp llc plc gen col lt sgt capt cmdr adm
    maj gov sen rep rev hon pres supt det insp jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun no nos fig figs approx dept est al op vol pp ed
    eds assn bros univ ave blvd rd hwy mph cf ca viz
    """.split()
)

# Terminal punctuation (+ closing quotes/brackets) then whitespace; or a newline run.
# Group 1 is the next visible character after the candidate (None at the end of the text). It is
# tried only where ``_openers`` finds one of its first characters.
_CANDIDATE = re.compile(
    r"""(?:[.!?…।॥؟۔]+["'”’»)\]]*(?=\s)|[。！？｡]+[」』】）》〉"”’]*"""
    r"""|\n[ \t\r\f\v]*(?:\n[ \t\r\f\v]*)*)(?:(?=\s*(\S)))?"""
)
# The word before a dot runs back to whitespace or an opening quote/bracket: those become spaces
# so that one ``rsplit`` finds it (a regex search here cost a scan from every start position).
_WORD_STOPS = str.maketrans({c: " " for c in "\"'“‘(["})
_JOINERS = ",;:-–—(/&"


def _is_abbreviation(text: str, dot: int, start: int = 0) -> bool:
    """True when the ``.`` at ``dot`` closes an abbreviation rather than a sentence (``text``
    read from ``start``)."""
    # The word is looked for in the 24 characters before the dot (a longer run is cut there).
    before = text[max(start, dot - 24) : dot]
    if before.endswith("\n"):
        before = before[:-1]  # "Mr\n." still ends with "Mr" (as the regex ``$`` used to allow)
    if not before or before[-1].isspace():
        return False  # no word right before the dot
    word = before.rsplit(None, 1)[-1]
    if word.isalnum():  # most words: no quote, bracket or dot in them
        return (len(word) == 1 and word.isalpha()) or word.lower() in ABBREVIATIONS
    word = word.translate(_WORD_STOPS).rsplit(" ", 1)[-1]
    if not word:
        return False  # an opening quote or bracket right before the dot
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "John F. Kennedy"
    low = word.lower().rstrip(".")
    if low in ABBREVIATIONS:
        return True
    # Dotted acronyms: U.S, U.K, e.g, a.m - the final dot is theirs.
    return "." in low and all(len(p) <= 2 for p in low.split("."))


# The characters a candidate opens with, found with ``str.find`` (a literal search runs several
# times faster than ``re``'s scan for a character set); those beyond ASCII only in text holding any.
_ASCII_OPENERS = ".!?\n"
_WIDE_OPENERS = "…。！？｡।॥؟۔"


def _openers(text: str, start: int, end: int) -> list[int]:
    """Ascending positions in ``text[start:end]`` of the characters ``_CANDIDATE`` can match at:
    matching at each of them in turn (past the previous match) finds what ``finditer`` finds."""
    found: list[int] = []
    append = found.append
    for ch in _ASCII_OPENERS if text.isascii() else _ASCII_OPENERS + _WIDE_OPENERS:
        at = text.find(ch, start, end)
        while at >= 0:
            append(at)
            at = text.find(ch, at + 1, end)
    found.sort()
    return found


def sentence_boundaries(text: str) -> list[int]:
    """Positions (exclusive ends) where a sentence stops, before trimming."""
    return _boundaries(as_lf(text), paragraph_breaks(text), 0, len(text))


def _boundaries(text: str, paragraphs: frozenset[int], start: int, end: int) -> list[int]:
    """``sentence_boundaries(text[start:end])``, as absolute offsets, for ``text`` already
    ``as_lf`` (``paragraphs``: its paragraph separators). The regex runs between ``start`` and
    ``end`` as if the piece were the whole text (its lookaheads stop at ``end``)."""
    cuts: list[int] = []
    append = cuts.append
    match, last = _CANDIDATE.match, start
    for at in _openers(text, start, end):
        if at < last:
            continue  # inside the previous match (a run of stops)
        m = match(text, at, end)
        if m is None:
            continue
        s, e = m.span()
        last = e
        nxt = m.group(1)
        if text[s] == "\n":
            if text.count("\n", s, e) >= 2 or paragraphs and any(i in paragraphs for i in range(s, e)):
                append(s)  # blank line or paragraph separator: paragraph break
                continue
            if not nxt:
                continue
            prev = text[s - 1] if s > start else ""
            if nxt.islower() or (prev and prev in _JOINERS):
                continue  # hard-wrapped line that runs on
            append(s)
            continue
        if not nxt or nxt.islower():
            continue  # "e.g. this", "Mr. smith" typo, ellipsis inside a sentence
        if e - s == 1 and text[s] == "." and _is_abbreviation(text, s, start):
            continue
        append(e)  # the match ends in terminal punctuation or a closing quote
    return cuts


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Trimmed sentence spans of ``text[start:end]``, as absolute offsets into ``text``."""
    end = len(text) if end is None else end
    return split_pieces(text, [(start, end)])


def split_pieces(text: str, pieces: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``split_sentences(text, a, b)`` of each piece ``(a, b)``, one after the other.

    The text's newlines are normalised once, not once per piece. ``as_lf`` maps each character
    to one that is whitespace exactly when it is, and the slice of the normalised text is the
    normalised slice except at a piece starting inside a CRLF (its first character, LF, is
    read there as the CR it became): leading whitespace, before any sentence of the piece, where
    a cut or none gives the same trimmed sentences."""
    lf, paragraphs = as_lf(text), paragraph_breaks(text)
    spans: list[tuple[int, int]] = []
    append = spans.append
    for start, end in pieces:
        start, end, _ = slice(start, end).indices(len(text))
        if start >= end:
            continue
        cuts = _boundaries(lf, paragraphs, start, end)
        prev = start
        cuts.append(end)
        for cut in cuts:
            seg = text[prev:cut]
            body = seg.lstrip()  # str.strip and str.isspace agree on what whitespace is
            if body:
                a = prev + len(seg) - len(body)
                append((a, a + len(body.rstrip())))
            prev = cut
    return spans
