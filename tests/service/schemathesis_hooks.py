"""Schemathesis hooks for the fuzz run (loaded with SCHEMATHESIS_HOOKS).

The fuzz run is about input handling, so generated requests run on the extractive backend: a
request naming "local" would start the bundled model and run it on random text for minutes
(there is no run deadline yet), which a 10 s fuzz timeout reports as a network error; the test
plugins' backends (tests/service/slow_backend.py) are slow or fail on purpose ("down" and
"broken" answer 503 llm_unavailable, as a dead endpoint should).
"""

from __future__ import annotations

import schemathesis

REAL_MODELS = ("local", "openai")
TEST_BACKENDS = ("slow", "down", "broken")


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("options"), dict) and body["options"].get("backend") in REAL_MODELS + TEST_BACKENDS:
        body["options"]["backend"] = "extractive"
    return body
