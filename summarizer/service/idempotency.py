"""``Idempotency-Key`` on ``POST /v1/jobs``: a retried request gets the job of the first one.

The store keeps (owner, key) -> (request hash, job) as long as the job exists: the same key with
the same body is that job again (200, ``Idempotent-Replayed: true``); with another body it is a
409 naming the header. Keys are per API key (owner), so two callers never see each other's jobs.
The hash is over the validated request (documents, options with their defaults, webhook_url),
so the same request written with other whitespace or key order is the same request.
"""

from __future__ import annotations

import hashlib
import json
from typing import Optional

from fastapi import Header
from pydantic import BaseModel

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
#: Visible ASCII, 1 to 255 characters: a UUID, a hash, an order number...
KEY_PATTERN = r"^[!-~]{1,255}$"


async def idempotency_key(key: Optional[str] = Header(
        None, alias=HEADER, pattern=KEY_PATTERN,
        description="a client-chosen key (1-255 visible ASCII characters, e.g. a UUID): retrying a "
                    "request with the same key and body returns the same job instead of a new one")) -> Optional[str]:
    """FastAPI dependency: the request's Idempotency-Key, or None; a malformed one is a 422 naming it."""
    return key


def request_hash(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


__all__ = ["HEADER", "KEY_PATTERN", "REPLAYED_HEADER", "idempotency_key", "request_hash"]
