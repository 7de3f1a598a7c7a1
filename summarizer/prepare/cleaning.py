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
  widget labels, "google news");
* furniture inside the body (``furniture.py``): captions and credits in paragraphs, viewer
  controls, teasers cut with "...", and, as spans inside a line, wire datelines and scraped tails.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from .dates import is_date_line
from .furniture import furniture
from .newlines import as_lf, paragraph_breaks
from .spans import JunkSpan

# Sentence ends in any script: Latin/Cyrillic/Greek, CJK full stops and closing brackets, the
# Devanagari danda, the Arabic question mark and the Urdu full stop, Armenian, Ethiopic, Burmese.
_TERMINAL = tuple(".!?…:;\"'”’)»" "。！？｡．」』】）》" "।॥؟۔։።။")
# Scripts written without spaces between words (Han, kana, Thai, Lao, Myanmar, Khmer): a line's
# words are counted as its whitespace-separated runs plus one per two of these characters (about
# a word's length), so that a paragraph of Chinese is as long as a paragraph of English.
_DENSE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
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
    | copy\ link | listen\ to\ (this|the)\ article | cookies?\b | accept\ all | (hide|show|toggle)\ caption
    | (view|see|open|launch)\ (the\ )?(slide\ ?show|larger|full[-\ ]size|(photo\ )?gallery) | (click|tap)\ (here\ )?to\ (enlarge|expand)
    | (enlarge|expand)\ (this\ )?(image|photo) | tweet\ this | (email|pin)\ (this|it)\b
    )"""
)
_PREV_NEXT = re.compile(r"(?i)^\W*(previous|next|prev)\s+(article|post|story)(\b|(?-i:[A-Z]))")
_CREDIT_GLUED = re.compile(r"(?i)(?:credit|photo|image|picture|source)s?\s*:\s*[\w .,&/-]{1,40}$")
# A credit line: a credit label opening the line, or a credit mark anywhere in it (two regexes, as
# only the second needs a search through the whole line).
_CREDIT_LABEL = re.compile(
    r"(?i)^\W*(photo(graph)?s?|images?|pictures?|credits?|source|illustration|video)\s*(:|by\b)"
)
_CREDIT_MARK = re.compile(r"(?i)getty\s+images|shutterstock|\bafp\s+via\b|\bap\s+photo\b|\breuters/|©")
# Embed labels: "Video of ...", "Photo: ...", "Watch: ..." on a short line of their own.
_EMBED_LABEL = re.compile(r"(?i)^\W*((videos?|photos?|images?|pictures?)\s+(of|shows?)\b|(watch|gallery)\s*:)")
_DISCLAIMER = re.compile(
    r"(?i)\baggregator\b|all rights reserved|trademarks? belong|rightful owners?"
    r"|copyright\s*(©|\(c\)|\d{4})|terms of (use|service)|privacy policy|cookie policy"
    r"|will be (deleted|removed) within|do not want us to publish|without (prior )?written permission"
)
# Lower-case substrings at least one of which every match of a searched pattern contains. Lines
# with none skip the (slow, case-insensitive) regex search; the regex still decides. This holds
# because the only characters ``re``'s IGNORECASE matches to an ASCII letter other than that
# letter in either case are the long s, the Kelvin sign and the dotted/dotless i: a document
# holding one of them, or whose offsets lower-casing moves, gets no keyword filter. Anchored
# patterns (labels opening a line) are cheap to try and need none.
# Disclaimer keys are found in the whole document, each hit confirmed by one of the literals
# holding it (the key alone is frequent in prose: "will be", "without"; or shared: "right").
_DISCLAIMER_KEYS = {
    "aggregator": ("aggregator",), "trademark": ("trademark",),
    "right": ("all rights reserved", "rightful owner", "copyright"),
    "terms of": ("terms of use", "terms of service"),
    "policy": ("privacy policy", "cookie policy"),
    "will be": ("will be deleted within", "will be removed within"),
    "do not want us": ("do not want us to publish",),
    "without": ("without written permission", "without prior written permission"),
}
_GLUED_KEYS = ("credit", "photo", "image", "picture", "source")
_MARK_KEYS = ("getty", "shutterstock", "afp", "photo", "reuters/", "\u00a9")
_FOLDS_TO_ASCII = ("\u017f", "\u212a", "\u0130", "\u0131")


def _no_keyword_filter(text: str, low: str) -> bool:
    """Whether the keyword filters would be wrong for ``text`` (``low``: lower-cased)."""
    if len(low) != len(text):
        return True
    return not text.isascii() and any(ch in text for ch in _FOLDS_TO_ASCII)


def _lines_with(low: str, starts: list[int], ends: list[int], keys: dict[str, tuple[str, ...]]) -> set[int]:
    """Indices of the lines (``starts``/``ends``: trimmed spans) holding one of the literals of
    ``keys`` (key -> literals holding it), found by ``str.find`` of the keys over the whole
    lower-cased document ``low``."""
    found: set[int] = set()
    for key, literals in keys.items():
        pos = low.find(key)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            if i >= 0:
                a, b = starts[i], ends[i]
                for literal in literals:
                    at = pos - literal.index(key)
                    if at >= a and low.startswith(literal, at, b):
                        found.add(i)
                        break
            pos = low.find(key, pos + 1)
    return found


def _has_key(low: str, start: int, end: int, keys: tuple[str, ...]) -> bool:
    for key in keys:
        if low.find(key, start, end) >= 0:
            return True
    return False


_NORM = re.compile(r"[^\w]+")
_NORM_LINES = re.compile(r"[^\w\n]+")
# Non-word characters outside Latin-1 that news text is full of (quotes, dashes, ellipsis).
_WIDE_PUNCT = "‘’“”–—…"
# Latin-1 byte -> itself for word characters (as ``re``'s ``\w``: alphanumeric or "_") and the
# newline, space for everything else.
_LATIN1_NONWORD = bytes(c if chr(c).isalnum() or c in b"_\n" else 32 for c in range(256))
# Latin-1 byte -> space for whitespace (as ``str.isspace``), itself for the newline, "x" else.
_LATIN1_SPACES = bytes(c if c == 10 else 32 if chr(c).isspace() else 120 for c in range(256))
_WINDOW = 10  # lines: how near a copy must be to count as "printed next to" its original


@dataclass(slots=True)
class _LineTable:
    """The non-blank lines of a document as parallel lists, one entry per line."""

    starts: list[int]  # trimmed span
    ends: list[int]
    texts: list[str]  # the trimmed line
    blocks: list[int]  # blank-line separated block the line belongs to
    words: list[int]  # whitespace-separated words (``_word_counts``)
    punct: list[bool]  # ends like a sentence
    # The line's word characters, lower-cased: its norm without the spaces. Latin-1 bytes for a
    # document within Latin-1 (see ``_mapped``), else ``str``: lines are only compared with lines
    # of their own document.
    squeezed: list[str] | list[bytes]
    keep: list[int]  # raw line number (in ``text.split("\n")``) of each line
    mapped: str | bytes  # see ``_mapped``
    mapped_lines: list[str] | None = None  # its raw lines, split when a norm is first needed

    def norm(self, k: int) -> str:
        """Line ``k`` lower-cased, runs of non-word characters made one space, trimmed: what
        ``_NORM`` makes of it."""
        if self.mapped_lines is None:
            mapped = self.mapped
            if isinstance(mapped, bytes):
                mapped = mapped.decode("latin-1")
            self.mapped_lines = mapped.split("\n")
        return " ".join(self.mapped_lines[self.keep[k]].split())


def _latin1(low: str) -> bytes | None:
    """The lower-cased text ``low`` in Latin-1, the common wide punctuation (``_WIDE_PUNCT``)
    made the byte 0x01, which is neither a word character nor whitespace, as they are; None for
    text beyond Latin-1 after that. Both ``_word_counts`` and ``_mapped`` read lines from it:
    lower-casing keeps every character's whitespace-ness and every newline."""
    if not low.isascii():
        for ch in _WIDE_PUNCT:
            if ch in low:
                low = low.replace(ch, "\x01")
    try:
        return low.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _mapped(low: str, latin1: bytes | None) -> tuple[str, str] | tuple[bytes, bytes]:
    """The lower-cased text ``low`` with every non-word character but the newline made a space,
    and the same without the spaces. Per line, squeezing the spaces of the first gives what
    ``_NORM`` makes of it (lower-casing never adds or removes a newline, so the lines are the
    text's). Text within Latin-1 (``latin1``: ``_latin1(low)``) maps non-word bytes to spaces
    with ``bytes.translate``, several times faster than the regex (which leaves a run as one
    space), and stays in Latin-1 bytes."""
    if latin1 is None:
        mapped = _NORM_LINES.sub(" ", low)
        return mapped, mapped.replace(" ", "")
    mapped_bytes = latin1.translate(_LATIN1_NONWORD)
    return mapped_bytes, mapped_bytes.translate(None, b" ")


def _word_counts(text: str, keep: list[int], texts: list[str], latin1: bytes | None) -> list[int]:
    """Whitespace-separated words of each line (raw line numbers ``keep``, trimmed ``texts``).
    Every threshold on a line's word count is <= 40, so counts above 41 need not be exact. Text
    within Latin-1 (``latin1``: ``_latin1(text.lower())``) is first mapped to spaces and "x"s,
    where a word is an "x" opening the line or following a space."""
    if latin1 is None:
        if _DENSE.search(text) is None:
            return [len(body.split(None, 41)) for body in texts]
        return [len(body.split(None, 41)) + len(_DENSE.findall(body)) // 2 for body in texts]
    marks = latin1.translate(_LATIN1_SPACES).split(b"\n")
    return [marks[k].count(b" x") + marks[k].startswith(b"x") for k in keep]


def _line_table(text: str, low: str, paragraphs: frozenset[int] = frozenset()) -> _LineTable:
    """The non-blank lines of ``text`` (``low``: ``text.lower()``; both ``as_lf``; ``paragraphs``:
    offsets of paragraph separators, each a block break like a blank line)."""
    raws = text.split("\n")
    bodies = [raw.strip() for raw in raws]  # same whitespace as str.isspace
    keep = [k for k, body in enumerate(bodies) if body]
    offsets = list(accumulate(map(len, raws), initial=0))  # raw line k starts at offsets[k] + k
    starts = [offsets[k] + k + len(raws[k]) - len(raws[k].lstrip()) for k in keep]
    texts = [bodies[k] for k in keep]
    ends = [a + len(body) for a, body in zip(starts, texts)]
    # A new block starts after each run of blank lines (not before the first line).
    blocks = list(accumulate([k - prev > 1 or offsets[k] + k - 1 in paragraphs for prev, k in zip(keep, keep[1:])],
                             initial=0)) if keep else []
    latin1 = _latin1(low)
    words = _word_counts(text, keep, texts, latin1)
    punct = [body.endswith(_TERMINAL) for body in texts]
    mapped, squeezed_text = _mapped(low, latin1)
    squeezed = squeezed_text.split(b"\n" if isinstance(squeezed_text, bytes) else "\n")
    return _LineTable(starts, ends, texts, blocks, words, punct, [squeezed[k] for k in keep], keep, mapped)


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    block: int
    norm: str
    words: int  # up to 42

    @property
    def punctuated(self) -> bool:
        return self.text.endswith(_TERMINAL)


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text`` one object each (for tests and debugging)."""
    paragraphs, text = paragraph_breaks(text), as_lf(text)
    t = _line_table(text, text.lower(), paragraphs)
    return [_Line(t.starts[k], t.ends[k], t.texts[k], t.blocks[k], t.norm(k), min(t.words[k], 42))
            for k in range(len(t.texts))]


def _repeated(lines: _LineTable) -> set[int]:
    """Lines equal to, or contained in, a nearby line (at most ``_WINDOW`` lines apart), compared
    by their norms. The copy that goes is the later of two equals, or the shorter one when one
    contains the other; only lines of 3+ words count as originals, and a contained copy must be
    unpunctuated and of 3+ words. Norms are made only for lines whose squeezed form (norm less
    its spaces) passes the same test, which equal or contained norms always do."""
    words, punct, squeezed = lines.words, lines.punct, lines.squeezed
    n = len(squeezed)
    norms: dict[int, str] = {}

    def norm(k: int) -> str:
        if k not in norms:
            norms[k] = lines.norm(k)
        return norms[k]

    out: set[int] = set()
    if len(set(squeezed)) < n:  # equal norms: keep the last line of 3+ words with each norm
        first: dict[str, int] = {}
        twins: set[int] = set()
        for k, sq in enumerate(squeezed):
            if sq in first:
                twins.update((first[sq], k))
            else:
                first[sq] = k
        last: dict[str, int] = {}
        for j in sorted(twins):
            b = norm(j)
            i = last.get(b)
            if i is not None and j - i <= _WINDOW:
                out.add(j)
            if words[j] >= 3 and b:
                last[b] = j
    # Containment needs an unpunctuated copy of 3+ words: few lines, so look around each.
    for s in range(n):
        if punct[s] or words[s] < 3:
            continue
        sq = squeezed[s]
        for j in range(s + 1, min(n, s + 1 + _WINDOW)):  # s before the line containing it
            if sq in squeezed[j]:
                a, b = norm(s), norm(j)
                if a and len(a) < len(b) and a in b:
                    out.add(s)
                    break
        if s in out:
            continue
        for i in range(max(0, s - _WINDOW), s):  # s after the line containing it
            if words[i] >= 3 and sq in squeezed[i]:
                a, b = norm(i), norm(s)
                if len(b) < len(a) and b in a:
                    out.add(s)
                    break
    return out


def find_junk(text: str) -> list[JunkSpan]:
    """Spans of ``text`` to leave out of summaries, sorted and disjoint: junk lines, and the
    datelines and scraped tails inside content lines."""
    paragraphs, text = paragraph_breaks(text), as_lf(text)  # same offsets, every line break "\n"
    low = text.lower()
    lines = _line_table(text, low, paragraphs)
    n = len(lines.texts)
    reasons: dict[int, str] = {}
    mark = reasons.setdefault  # the first reason given to a line stays

    content = [w >= 10 and p for w, p in zip(lines.words, lines.punct)]  # body: long, prose-like
    first_body = content.index(True) if True in content else n
    last_body = n - 1 - content[::-1].index(True) if True in content else -1
    # Blocks are runs of consecutive lines: block number -> range of its lines.
    firsts = [k for k in range(1, n) if lines.blocks[k] != lines.blocks[k - 1]]
    members = [range(a, b) for a, b in zip([0] + firsts, firsts + [n])] if n else []

    _mark_lines(text, low, lines, members, content, mark)
    # Repeated lines: duplicated titles, captions or pull quotes next to what they copy.
    for i in sorted(_repeated(lines)):
        mark(i, "repeated")
    _mark_headline_lists(lines, members, first_body, mark)
    _mark_fragments(lines, first_body, last_body, reasons, mark)
    whole, partial = furniture(text, low, lines.texts, lines.starts, lines.ends, lines.words, reasons)
    reasons.update(whole)
    spans = [JunkSpan(lines.starts[i], lines.ends[i], r) for i, r in reasons.items()]
    spans += [JunkSpan(a, b, r) for a, b, r in partial]
    return sorted(spans, key=lambda j: j.start)


def _mark_lines(text: str, low: str, lines, members: list[range], content: list[bool], mark) -> None:
    """Line by line: page dates, navigation, embed labels, disclaimers, credit and caption blocks."""
    starts, ends, blocks = lines.starts, lines.ends, lines.blocks
    # Lines that may match the case-insensitive regex searches (see ``_DISCLAIMER_KEYS``).
    unfiltered = _no_keyword_filter(text, low)
    may_disclaim = range(len(lines.texts)) if unfiltered else _lines_with(low, starts, ends, _DISCLAIMER_KEYS)
    for i, (line, w, p, sq) in enumerate(zip(lines.texts, lines.words, lines.punct, lines.squeezed)):
        # A date line has a digit (\d: a word character, so its squeezed form has it too, and
        # it is no letter, also for ``bytes.isalpha``, which is false outside ASCII).
        if not sq.isalpha() and is_date_line(line):
            mark(i, "page_date")
        elif w <= 12 and _NAV.match(line) or w <= 40 and _PREV_NEXT.match(line):
            mark(i, "navigation")  # prev/next links carry a whole headline, hence 40 words
        elif w <= 20 and _EMBED_LABEL.match(line):
            mark(i, "caption")
        elif i in may_disclaim and _DISCLAIMER.search(line):
            for j in members[blocks[i]]:
                mark(j, "disclaimer")
        elif (
            not p and ":" in line
            and (unfiltered or _has_key(low, starts[i], ends[i], _GLUED_KEYS)) and _CREDIT_GLUED.search(line)
            or w <= 40 and (
                _CREDIT_LABEL.match(line)
                or (unfiltered or _has_key(low, starts[i], ends[i], _MARK_KEYS)) and _CREDIT_MARK.search(line)
            )
        ):
            mark(i, "credit")
            block = members[blocks[i]]
            # A caption block: picture title, caption, credit - at most one prose line. Two or
            # more mean body paragraphs split by single newlines, with a credit line among them.
            prose = sum(1 for j in block if j != i and content[j])
            if len(block) <= 4 and prose <= 1:
                for j in block:
                    mark(j, "credit")


def _mark_headline_lists(lines, members: list[range], first_body: int, mark) -> None:
    """Stacked unpunctuated short lines in the body: teaser headline lists."""
    for block in members:
        if len(block) >= 2 and block[0] > first_body:
            if all(not lines.punct[j] and 3 <= lines.words[j] <= 25 for j in block):
                for j in block:
                    mark(j, "headline_list")


def _mark_fragments(lines, first_body: int, last_body: int, reasons: dict[int, str], mark) -> None:
    """Short unpunctuated fragments outside the body; the first such line may be the title. A
    text without a body line (a note, a list, one sentence, or a script whose lines cleaning
    cannot measure) has no outside: marking by position would leave nothing of it."""
    words, punct, n = lines.words, lines.punct, len(lines.texts)
    if last_body < 0:
        first_body, last_body = 0, n - 1
    title_seen = False
    for i in range(first_body):
        if i in reasons:
            continue
        if not title_seen and words[i] >= 3:
            title_seen = True
            continue
        if words[i] < 4 and not punct[i]:
            mark(i, "fragment")
    for i in range(last_body + 1, n):
        if words[i] < 8 and not (punct[i] and words[i] >= 5):
            mark(i, "fragment")
