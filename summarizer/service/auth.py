"""Bearer API keys. Keys are compared in constant time and only their SHA-256 is stored (job owner)."""

from __future__ import annotations

import hashlib
import hmac

from typing import Optional

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..config.settings import Settings
from ..errors import ConfigError, Unauthorized


def parse_keys(settings: Settings) -> list[bytes]:
    """The configured keys. A key with characters outside printable ASCII is refused at start
    (ConfigError naming its position, never the key): HTTP clients cannot send it in a header, so it
    could never match and its owner would be locked out without a word."""
    if settings.api_keys is None:
        return []
    keys = [k.strip() for k in settings.api_keys.get_secret_value().split(",") if k.strip()]
    for n, key in enumerate(keys, 1):
        if not all("!" <= ch <= "~" for ch in key):
            raise ConfigError(f"SUMMARIZER_API_KEYS: key {n} of {len(keys)} has characters outside printable "
                              "ASCII (accents, spaces, control characters); HTTP clients cannot send it. "
                              "Use letters, digits and punctuation")
    return [k.encode() for k in keys]


#: Declares the scheme in the OpenAPI spec (``bearerAuth``) so generated clients send the key; the
#: check itself is below (it must not fail when auth is off, hence ``auto_error=False``).
BEARER = HTTPBearer(scheme_name="bearerAuth", auto_error=False,
                    description="an API key from SUMMARIZER_API_KEYS: `Authorization: Bearer <key>`")


async def owner_of(request: Request, _declared: Optional[HTTPAuthorizationCredentials] = Security(BEARER)) -> str:
    """FastAPI dependency: the caller's owner id ("" when auth is off), or 401.

    A coroutine, as every dependency of a route should be: FastAPI runs a plain ``def`` dependency
    in its worker-thread pool, two thread hand-offs per request for microseconds of work.
    """
    return caller_owner(request)


def caller_owner(request: Request) -> str:
    """The caller's owner id ("" when auth is off), or Unauthorized (401)."""
    keys: list[bytes] = request.app.state.svc.api_keys
    if not keys:
        return ""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    given = token.strip().encode("utf-8", "replace")
    # Compare against every key (no early exit) so timing says nothing about which one matched.
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key)
    if scheme.lower() != "bearer" or not given or not matched:
        raise Unauthorized("missing or invalid API key (send 'Authorization: Bearer <key>')")
    return hashlib.sha256(given).hexdigest()
