"""Page-date lines: a line that is only a date or time (``April 18, 2024``, ``Updated 12:30 GMT``).

Cleaning marks them ``page_date``: a page's stamp is often not the date of the events it reports.
"""

from __future__ import annotations

import re

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


__all__ = ["is_date_line"]
