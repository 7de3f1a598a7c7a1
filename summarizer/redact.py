"""Redaction of credentials in URLs: the one place every message, log line and stored error goes through.

An endpoint URL may carry a secret in its userinfo (``http://user:password@host``) or its query
string (``?api-key=...``, ``?token=...``). Messages still name the endpoint (scheme, host, port,
path), because "which endpoint failed" is what a person needs; the secret parts become ``***``.
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://[userinfo@]authority[path][?query][#fragment]; stops at whitespace and at the quotes and
# brackets that surround URLs in messages (repr(), JSON, Markdown), so it never eats the text after.
_URL = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)"
    r"(?P<userinfo>[^\s/?#'\"<>()\[\]{}]*@)?"
    r"(?P<rest>[^\s?#'\"<>()\[\]{}]*)"
    r"(?P<query>\?[^\s#'\"<>()\[\]{}]*)?"
)


def _masked(match: re.Match) -> str:
    out = match["scheme"]
    if match["userinfo"]:
        out += MASK + "@"
    out += match["rest"]
    query = match["query"] or ""
    trailing = query[len(query.rstrip(".,;:!")):] if len(query) > 1 else ""  # the sentence's, not the URL's
    if len(query) > len(trailing) + 1:
        out += "?" + MASK
    return out + trailing


def redact(text: str) -> str:
    """``text`` with the userinfo and query string of every URL in it masked."""
    if "://" not in text:  # the common case, and cheap
        return text
    return _URL.sub(_masked, text)


def redact_url(url: str) -> str:
    """One URL, as it may be shown: ``http://***@host:8080/v1?***``. Also for a malformed one (no
    scheme, spaces, several ``@``), which ``redact`` would not recognise as a URL."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        authority = MASK + "@" + authority.rsplit("@", 1)[1]
    path, qsep, _query = tail.partition("?")
    return scheme + sep + authority + path + (qsep + MASK if qsep else "")


__all__ = ["MASK", "redact", "redact_url"]
