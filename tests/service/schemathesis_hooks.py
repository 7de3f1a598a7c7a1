"""Schemathesis hooks for the fuzz run (loaded with SCHEMATHESIS_HOOKS).

The fuzz run is about input handling, so generated requests run on the extractive backend: a
request naming "local" would start the bundled model and run it on random text for minutes
(there is no run deadline yet), which a 10 s fuzz timeout reports as a network error.
"""

from __future__ import annotations

import schemathesis

REAL_MODELS = ("local", "openai")


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("options"), dict) and body["options"].get("backend") in REAL_MODELS:
        body["options"]["backend"] = "extractive"
    return body
