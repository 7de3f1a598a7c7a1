"""Page furniture inside the body text that line-shape signals miss. Pure; used by ``cleaning``.

General signals, not lists of sites:

* ``caption``   - picture captions and credits inside paragraphs: a wire "FILE -" caption, a
  "file photo" or "Image caption" lead, a parenthesized photo credit ("(AP Photo/Jane Doe)"),
  an image file name ("Cquote1.svg", "photo.jpg");
* ``navigation`` - viewer controls ("View slideshow", "View larger image", "Click to enlarge",
  "Hide caption") opening a line;
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
_CAPTION_KEYS = (".svg", ".jpg", ".jpeg", ".png", ".gif", ".webp", "photo", "image caption", "file -", "file –",
                 "file —")
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
_VIEWER = re.compile(
    r"""(?ix)^\W*(?:
        (?:view|see|open|launch)\s+(?:the\s+)?(?:slide\s?show|(?:larger|full[- ]size)\s+(?:image|photo|version)|gallery|photo\s+gallery)
      | (?:click|tap)\s+(?:here\s+)?to\s+(?:enlarge|expand|view\s+(?:larger|gallery|slideshow))
      | (?:enlarge|expand)\s+(?:this\s+)?(?:image|photo)
      | (?:hide|show|toggle)\s+caption
      | (?:share|tweet|email|pin)\s+(?:this|it\b|on\s+(?:facebook|twitter|x\b|whatsapp|linkedin|reddit|pinterest))
    )"""
)
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


def furniture(low: str, texts: list[str], starts: list[int], ends: list[int], words: list[int],
              taken: dict[int, str]) -> tuple[dict[int, str], list[tuple[int, int, str]]]:
    """Whole furniture lines (index -> reason) and partial spans ``(start, end, reason)``
    (datelines, tails) of lines not ``taken`` by another signal. ``texts``: the trimmed lines,
    ``starts``/``ends`` their spans, ``words`` their word counts."""
    whole: dict[int, str] = {}
    for i in sorted(lines_with_keys(low, starts, ends, _CAPTION_KEYS)):
        if i not in taken:
            reason = caption_reason(texts[i])
            if reason:
                whole[i] = reason
    partial: list[tuple[int, int, str]] = []
    for i, line in enumerate(texts):
        if i in taken or i in whole:
            continue
        if words[i] <= 20 and _VIEWER.match(line):
            whole[i] = "navigation"
            continue
        if line.endswith(("...", "…")) and not line.endswith("....") and words[i] <= 40:
            whole[i] = "teaser"
            continue
        a = starts[i]
        cut = dateline_end(line)
        if cut:
            partial.append((a, a + cut, "dateline"))
        t = tail_start(line)
        if t > cut:
            partial.append((a + t, ends[i], "tail"))
    return whole, partial
