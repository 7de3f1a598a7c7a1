"""Page furniture inside the body text that line-shape signals miss. Pure; used by ``cleaning``
(viewer controls such as "View slideshow" or "Click to enlarge" are in its ``navigation`` signal).

General signals, not lists of sites:

* ``caption``   - picture captions and credits inside paragraphs: a wire "FILE -" caption, a
  "file photo" or "Image caption" lead, a parenthesized photo credit ("(AP Photo/Jane Doe)"),
  an image file name ("Cquote1.svg", "photo.jpg");
* ``teaser``    - a line cut short with an ellipsis ("... the minister said that the...");
* ``dateline``  - a wire dateline opening a line ("BRUSSELS, January 22 (Xinhua) --", "KHARKIV,
  Ukraine (AP) —", "WASHINGTON _", "(CNN) --"): only the dateline is marked, so the sentence
  after it stays content and is cited from its first word;
* ``tail``      - a scraped tail glued after a line's last sentence ("... on Sunday. on the
  information.", "... it said. they stated."): a few lower-case words after a full stop.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Optional

from .segment import ABBREVIATIONS

# Found in the lower-cased document with ``str.find`` (fast), then confirmed on the line.
_CAPTION_KEYS = ("photo", "image c", "file ")
_IMAGE_FILE = re.compile(r"\.(?:svg|jpe?g|png|gif|webp)\b")  # in the lower-cased text
_CAPTION_CONFIRM = re.compile(
    r"""(?ix)
      \b[\w-]+\.(?:svg|jpe?g|png|gif|webp)\b               # an image file name
    | \(\s*(?:[a-z]+\s+)?photos?\s*(?:/|:|by\b|credit)     # (AP Photo/..., (Photo: ..., (photo by ...
    | \bphotos?\s*/\s*[a-z]                                # AP Photo/Name inside a credit
    | \bfile\s+photo\b                                     # "In this ... file photo, ..."
    | ^\W*image\s+(?:caption|copyright)\b                  # "Image caption ..."
    | ^\W*photo(?:graph)?\s*(?:caption|credit)\b
    """
)
_FILE_CAPTION = re.compile(r"^\W*FILE\s*(?:PHOTO)?\s*[-–—:]")  # a wire caption (case-sensitive)
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_PLACE_WORD = r"[A-Z][\w'’.\-]*"
_CAPS_WORD = r"[A-Z][A-Z'’.\-]+"
_DATE = rf"(?:,?\s+(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?)"
_AGENCY = r"\(\s*[A-Z][\w.&]*(?:[ /-][A-Z][\w.&]*){0,2}\s*\)"
# A: an upper-case place (", Country" and a date may follow), then an optional agency, then a dash.
# B: an agency in brackets, optionally after a place and a date, then a dash.
_DATELINE = re.compile(
    rf"""(?x)
    (?:
        (?P<caps>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}})(?:,\s*{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}})?{_DATE}?
        \s*(?P<agency_a>{_AGENCY})?\s*(?P<dash_a>--|[—–_]|-(?=\s)|:)
      | (?:{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}}(?:,\s*{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}})?{_DATE}?\s*)?
        {_AGENCY}\s*(?:--|[—–_:]|-(?=\s))
    )
    \s+(?=[“"‘'(]?[A-Z0-9])
    """
)
_TAIL_WINDOW = 48  # characters: a scraped tail is a few words


def dateline_end(line: str) -> int:
    """Length of the dateline opening ``line`` (without the space after it), or 0."""
    if not line or not (line[0].isupper() or line[0] == "("):
        return 0
    m = _DATELINE.match(line)
    if m is None:
        return 0
    caps = m.group("caps")
    if caps is not None:
        letters = sum(ch.isalpha() for ch in caps)
        if letters < 3 or (m.group("dash_a") == ":" and m.group("agency_a") is None and " " in caps):
            return 0  # "US - ...", "BREAKING NEWS: ..." are not datelines
    return len(m.group(0).rstrip())


def tail_start(line: str) -> int:
    """Where a scraped tail glued after the line's last sentence starts ("... on Sunday. on the
    information."), or -1: at most four lower-case words after a full stop that follows eight or
    more words, the word before the stop being no abbreviation."""
    if not line.endswith(".") or len(line) < 40:
        return -1
    k = line.rfind(". ", len(line) - _TAIL_WINDOW, len(line) - 2)
    if k < 0:
        return -1
    tail = line[k + 1 :].strip()
    if not tail[:1].islower() or len(tail.split()) > 4 or any(ch in tail[:-1] for ch in ".!?\"“”"):
        return -1
    words = line[:k].split()
    if len(words) < 8:
        return -1
    last = words[-1]
    if not last.isalpha() or len(last) < 3 or last.lower() in ABBREVIATIONS:
        return -1  # "p.m. the", "Mr. smith", "No. one"
    return len(line) - len(tail)


def caption_reason(line: str) -> Optional[str]:
    """Whether a line that passed the keyword filter is a caption or credit ("caption"), or None."""
    if _FILE_CAPTION.match(line) or _CAPTION_CONFIRM.search(line):
        return "caption"
    return None


def lines_with_keys(low: str, starts: list[int], ends: list[int], keys: tuple[str, ...]) -> set[int]:
    """Indices of the lines (trimmed spans ``starts``/``ends`` of the lower-cased document ``low``)
    holding one of ``keys``, found with ``str.find`` over the whole document."""
    found: set[int] = set()
    for key in keys:
        pos = low.find(key)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos + len(key) <= ends[i]:
                found.add(i)
                pos = low.find(key, ends[i])  # the line is found: skip the rest of it
            else:
                pos = low.find(key, pos + 1)
    return found


# Literals found with ``str.find`` over the whole document (fast); a line near whose start one
# lies is then checked with the line functions above, so the keys need only find a superset.
_TEASER_KEYS = ("...", "…")
_DATELINE_KEYS = ("--", "—", "–", " _ ", " - ", ") -")  # "WASHINGTON:" (a colon) is left to the scan's misses
_TAIL_SCAN = re.compile(r"(?m)\. [a-z][^\n.!?“”\"]{0,44}\.[ \t\r\f\v]*$")


def _tail_lines(text: str, starts: list[int], ends: list[int]) -> list[int]:
    """Indices of the lines ending like a scraped tail (one regex scan: it opens with a literal)."""
    out: list[int] = []
    for m in _TAIL_SCAN.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i >= 0 and m.start() < ends[i]:
            out.append(i)
    return out


def _lines_near(text: str, starts: list[int], ends: list[int], keys: tuple[str, ...], lo: int, hi: int) -> list[int]:
    """Sorted indices of the lines holding one of ``keys`` at ``lo`` to ``hi`` characters from
    their start, or, with ``lo`` negative, ending ``-lo`` to ``hi`` characters before their end."""
    found: set[int] = set()
    for key in keys:
        pos = text.find(key)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos < ends[i]:
                at = pos - starts[i] if lo >= 0 else pos + len(key) - ends[i]
                if lo <= at <= hi:
                    found.add(i)
            pos = text.find(key, pos + 1)
    return sorted(found)


def furniture(text: str, low: str, texts: list[str], starts: list[int], ends: list[int], words: list[int],
              taken: dict[int, str]) -> tuple[dict[int, str], list[tuple[int, int, str]]]:
    """Whole furniture lines (index -> reason) and partial spans ``(start, end, reason)``
    (datelines, tails) of lines not ``taken`` by another signal. ``text``: the document (``low``
    lower-cased), ``texts`` its trimmed lines, ``starts``/``ends`` their spans, ``words`` their
    word counts."""
    whole: dict[int, str] = {}
    candidates = lines_with_keys(low, starts, ends, _CAPTION_KEYS)
    candidates.update(bisect_right(starts, m.start()) - 1 for m in _IMAGE_FILE.finditer(low))
    for i in sorted(c for c in candidates if c >= 0):
        if i not in taken:
            reason = caption_reason(texts[i])
            if reason:
                whole[i] = reason
    for i in _lines_near(text, starts, ends, _TEASER_KEYS, -1, 0):  # at the line's end
        line = texts[i]
        if i not in taken and i not in whole and words[i] <= 40 and line.endswith(("...", "…")) and not line.endswith("...."):
            whole[i] = "teaser"
    partial: list[tuple[int, int, str]] = []
    cuts: dict[int, int] = {}
    for i in _lines_near(text, starts, ends, _DATELINE_KEYS, 0, 90):
        if i not in taken and i not in whole:
            cut = dateline_end(texts[i])
            if cut:
                cuts[i] = cut
                partial.append((starts[i], starts[i] + cut, "dateline"))
    for i in _tail_lines(text, starts, ends):
        if i not in taken and i not in whole:
            t = tail_start(texts[i])
            if t > cuts.get(i, 0):
                partial.append((starts[i] + t, ends[i], "tail"))
    return whole, sorted(partial)
