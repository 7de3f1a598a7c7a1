"""Cleaning: mark the spans of a scraped document that must stay out of summaries.

Cleaning never rewrites text. It returns ``JunkSpan``s (offsets + the signal that fired) and the
rest of the pipeline leaves any sentence touching one out of summaries. The signals are generic
properties of scraped pages, not strings of particular sites:

* ``page_date``   - a line that is only a date/time (page stamps, often not the event's date);
* ``navigation``  - short lines built from link-like phrases (comment prompts, related/next/previous
  links, share/subscribe/follow buttons, "back to top");
* ``caption``     - short embed labels ("Video of ...", "Watch: ...");
* ``credit``      - photo/credit lines, including a credit glued onto a caption ("...Credit: Getty"),
  and the caption lines sharing a block with them;
* ``disclaimer``  - aggregator/legal boilerplate;
* ``repeated``    - a line repeating (or contained in) a nearby line: duplicated titles, captions
  or pull quotes printed next to the paragraph they copy;
* ``headline_list`` - two or more stacked short unpunctuated lines inside the body (teasers for
  other articles);
* ``fragment``    - very short unpunctuated lines before the body starts or after it ends (bylines,
  widget labels, "google news").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .models import JunkSpan

_TERMINAL = tuple(".!?…:;\"'”’)»")
_NAV = re.compile(
    r"""(?ix)^\W*(
      leave\ a\ (reply|comment) | post\ a\ comment | add\ a\ comment | \d*\s*comments?\b
    | (show|view|load)\ (more\ )?comments | join\ the\ (conversation|discussion)
    | related\ (articles?|posts?|stories|news|content|topics) | more\ (from|on)\ | see\ also
    | you\ (may|might)\ also\ like | recommended(\ for\ you)? | (most\ )?(popular|trending)
    | read\ (more|next|also)\b | continue\ reading | click\ here | back\ to\ top
    | (previous|next|prev)\ (article|post|story|page)(\b|(?-i:(?=[A-Z]))) | share\ (this|on|via)\b | share$
    | follow\ us | sign\ (up|in)\b | log\ in\b | subscribe | newsletter | advertisement\b
    | sponsored\b | skip\ to\ | jump\ to\ | home\s*[›>»/|] | tags?: | filed\ under
    | (google|apple)\ news | (facebook|twitter|whatsapp|telegram|linkedin|email|print)$
    | copy\ link | listen\ to\ (this|the)\ article | cookies?\b | accept\ all
    )"""
)
_PREV_NEXT = re.compile(r"(?i)^\W*(previous|next|prev)\s+(article|post|story)(\b|(?-i:[A-Z]))")
_CREDIT_GLUED = re.compile(r"(?i)(?:credit|photo|image|picture|source)s?\s*:\s*[\w .,&/-]{1,40}$")
_CREDIT_LINE = re.compile(
    r"(?i)^\W*(photo(graph)?s?|images?|pictures?|credits?|source|illustration|video)\s*(:|by\b)"
    r"|getty\s+images|shutterstock|\bafp\s+via\b|\bap\s+photo\b|\breuters/|©"
)
# Embed labels: "Video of ...", "Photo: ...", "Watch: ..." on a short line of their own.
_EMBED_LABEL = re.compile(r"(?i)^\W*((videos?|photos?|images?|pictures?)\s+(of|shows?)\b|(watch|gallery)\s*:)")
_DISCLAIMER = re.compile(
    r"(?i)\baggregator\b|all rights reserved|trademarks? belong|rightful owners?"
    r"|copyright\s*(©|\(c\)|\d{4})|terms of (use|service)|privacy policy|cookie policy"
    r"|will be (deleted|removed) within|do not want us to publish|without (prior )?written permission"
)
# Lower-case substrings at least one of which every match of a pattern contains. Lines with none
# skip the (slow, case-insensitive) regex; the regex still decides. Characters that ``re``'s
# IGNORECASE folds onto ASCII letters (long s, Kelvin sign, dotless/dotted i) disable the filter.
_DISCLAIMER_KEYS = ("aggregator", "all rights reserved", "trademark", "rightful owner", "copyright",
                    "terms of", "privacy policy", "cookie policy", "will be", "do not want us",
                    "without")
_CREDIT_KEYS = ("photo", "image", "picture", "credit", "source", "illustration", "video", "getty",
                "shutterstock", "afp", "reuters/", "\u00a9")
_FOLDS_TO_ASCII = re.compile("[\u017f\u212a\u0130\u0131]")


def _lines_with(text: str, lines: list["_Line"], keys: tuple[str, ...]) -> set[int] | range:
    """Indices of the lines containing one of ``keys`` (lower case), found by ``str.find`` over the
    whole lower-cased document; every line when lower-casing moves offsets or ``re`` would fold
    a character the keys miss."""
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and _FOLDS_TO_ASCII.search(text)):
        return range(len(lines))
    starts = [ln.start for ln in lines]
    found: set[int] = set()
    for key in keys:
        pos = low.find(key)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos + len(key) <= lines[i].end:
                found.add(i)
            pos = low.find(key, pos + 1)
    return found


_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_DATE_WORDS = frozenset(
    _MONTHS
    + "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat "
    "sun am pm a.m p.m utc gmt bst cet est edt pst et updated published posted last modified on "
    "at of the".split()
)
_DATE_TOKEN = re.compile(r"[A-Za-z.]+|\d+(?:st|nd|rd|th)?|\d{1,2}:\d{2}")
_NORM = re.compile(r"[^\w]+")
_NORM_LINES = re.compile(r"[^\w\n]+")
# Non-word characters outside Latin-1 that news text is full of (quotes, dashes, ellipsis).
_WIDE_PUNCT = "‘’“”–—…"
# Latin-1 byte -> itself for word characters (as ``re``'s ``\w``: alphanumeric or "_") and the
# newline, space for everything else.
_LATIN1_NONWORD = bytes(c if chr(c).isalnum() or c in b"_\n" else 32 for c in range(256))
_WINDOW = 10  # lines: how near a copy must be to count as "printed next to" its original


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    block: int
    norm: str
    words: int

    @property
    def punctuated(self) -> bool:
        return self.text.endswith(_TERMINAL)


def _normalized_lines(text: str) -> list[str]:
    """Each line (split at ``\\n``) lower-cased, with runs of non-word characters made one space
    and trimmed: ``_NORM`` applied line by line. Lower-casing never adds or removes a newline and
    a non-word run is cut at newlines, so one pass over the whole text gives the same lines.
    Text within Latin-1 (after dropping common non-word punctuation, which becomes a space
    anyway) maps non-word bytes to spaces with ``bytes.translate``, several times faster than
    the regex."""
    low = text.lower()
    for ch in _WIDE_PUNCT:
        if ch in low:
            low = low.replace(ch, " ")
    try:
        raw = low.encode("latin-1")
    except UnicodeEncodeError:
        return [x.strip(" ") for x in _NORM_LINES.sub(" ", low).split("\n")]
    mapped = raw.translate(_LATIN1_NONWORD).decode("latin-1")
    return [" ".join(x.split()) for x in mapped.split("\n")]


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos, block, blank_run = 0, 0, True
    # Normalized lines from one pass over the whole text: lower-casing never adds or removes a
    # newline, and a non-word run is cut at newlines, so line k of this equals normalizing line k
    # alone (the strip below drops what the line's own whitespace became).
    norms = _normalized_lines(text)
    for raw, norm in zip(text.split("\n"), norms):
        body = raw.strip()  # same whitespace as str.isspace
        if not body:
            pos += len(raw) + 1
            if not blank_run:
                block += 1
            blank_run = True
            continue
        a = pos + len(raw) - len(raw.lstrip())
        b = a + len(body)
        pos += len(raw) + 1
        blank_run = False
        # Every threshold on a line's word count is <= 40, so counting stops at 42.
        out.append(_Line(a, b, body, block, norm, len(body.split(None, 41))))
    return out


def is_date_line(line: str) -> bool:
    # Tokens are read lazily: prose fails on its first non-date word, without tokenizing the rest.
    has_anchor = has_digit = False
    n = 0
    for m in _DATE_TOKEN.finditer(line):
        tok = m.group()
        n += 1
        if n > 12:
            return False
        low = tok.lower().rstrip(".")
        if low in _DATE_WORDS:
            has_anchor = has_anchor or low in _MONTHS
        elif tok[0].isdigit():
            has_digit = True
            has_anchor = has_anchor or (len(tok) == 4 and tok.isdigit())
        else:
            return False
    return has_anchor and has_digit  # "May" or "Monday" alone is not a page date


def _is_content(line: _Line) -> bool:
    """A body paragraph: long enough and ending like prose."""
    return line.words >= 10 and line.punctuated


def find_junk(text: str) -> list[JunkSpan]:
    """Spans of ``text`` to leave out of summaries, sorted, one per junk line."""
    lines = _lines(text)
    reasons: dict[int, str] = {}

    def mark(i: int, reason: str) -> None:
        reasons.setdefault(i, reason)

    content_idx = [i for i, ln in enumerate(lines) if _is_content(ln)]
    first_body = content_idx[0] if content_idx else len(lines)
    last_body = content_idx[-1] if content_idx else -1

    blocks: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        blocks.setdefault(ln.block, []).append(i)

    may_disclaim = _lines_with(text, lines, _DISCLAIMER_KEYS)
    may_credit = _lines_with(text, lines, _CREDIT_KEYS)
    may_watch = _lines_with(text, lines, ("watch", "galler"))
    for i, ln in enumerate(lines):
        if is_date_line(ln.text):
            mark(i, "page_date")
        elif ln.words <= 12 and _NAV.match(ln.text) or ln.words <= 40 and _PREV_NEXT.match(ln.text):
            mark(i, "navigation")  # prev/next links carry a whole headline, hence 40 words
        elif ln.words <= 20 and (i in may_credit or i in may_watch) and _EMBED_LABEL.match(ln.text):
            mark(i, "caption")
        elif i in may_disclaim and _DISCLAIMER.search(ln.text):
            for j in blocks[ln.block]:
                mark(j, "disclaimer")
        elif i in may_credit and (
            not ln.punctuated and ":" in ln.text and _CREDIT_GLUED.search(ln.text)
            or ln.words <= 40 and _CREDIT_LINE.search(ln.text)
        ):
            mark(i, "credit")
            members = blocks[ln.block]
            # A caption block: picture title, caption, credit - at most one prose line. Two or
            # more mean body paragraphs split by single newlines, with a credit line among them.
            prose = sum(1 for j in members if j != i and _is_content(lines[j]))
            if len(members) <= 4 and prose <= 1:
                for j in members:
                    mark(j, "credit")

    # Repeated lines: a line equal to, or contained in, a nearby line. The copy that goes is the
    # later of two equals, or the shorter one when one contains the other.
    norms = [ln.norm for ln in lines]
    sizes = [len(x) for x in norms]
    punct = [ln.punctuated for ln in lines]
    n_lines = len(lines)
    for i, ln in enumerate(lines):
        a, la = norms[i], sizes[i]
        if ln.words < 3 or not a:
            continue
        for j in range(i + 1, min(n_lines, i + 1 + _WINDOW)):
            b, lb = norms[j], sizes[j]
            if b == a:
                mark(j, "repeated")
            elif la < lb:
                if not punct[i] and a in b:
                    mark(i, "repeated")
            elif lb < la and not punct[j] and lines[j].words >= 3 and b in a:
                mark(j, "repeated")

    # Stacked unpunctuated short lines in the body: teaser headline lists.
    for members in blocks.values():
        if len(members) < 2:
            continue
        if all(not lines[j].punctuated and 3 <= lines[j].words <= 25 for j in members):
            if members[0] > first_body:
                for j in members:
                    mark(j, "headline_list")

    # Short unpunctuated fragments outside the body; the first such line may be the title.
    title_seen = False
    for i, ln in enumerate(lines):
        if i >= first_body:
            break
        if i in reasons:
            continue
        if not title_seen and ln.words >= 3:
            title_seen = True
            continue
        if ln.words < 4 and not ln.punctuated:
            mark(i, "fragment")
    for i in range(last_body + 1, len(lines)):
        ln = lines[i]
        if ln.words < 8 and not (ln.punctuated and ln.words >= 5):
            mark(i, "fragment")

    return [JunkSpan(lines[i].start, lines[i].end, r) for i, r in sorted(reasons.items())]


def _line_spans(text: str):
    """Trimmed ``(start, end)`` of each non-blank line, lazily (same lines as ``_lines``)."""
    pos = 0
    for raw in text.split("\n"):
        body = raw.strip()
        if body:
            a = pos + len(raw) - len(raw.lstrip())
            yield a, a + len(body)
        pos += len(raw) + 1


def guess_title(text: str, junk: list[JunkSpan]) -> str:
    """The first line that is not junk, when it looks like a headline."""
    bad = {(j.start, j.end) for j in junk}
    for a, b in _line_spans(text):
        if (a, b) in bad:
            continue
        line = text[a:b]
        if len(line.split()) <= 30 and not line.endswith("."):
            return line.lstrip("# ").strip()
        return ""
    return ""
