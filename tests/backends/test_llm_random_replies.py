"""Property: whatever a model replies, every returned citation holds and no summary is empty."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from summarizer.config.options import SummaryOptions
from summarizer.testing.fake_chat import FakeChatModel

from ..llm_helpers import assert_valid, numbered_lines, run, seed_docs

DOCS = seed_docs()
WORDS = "Kharkiv Russian forces Ukraine withdrew city border 2022 May “quoted words here” the said".split()

sentence = st.fixed_dictionaries({
    "text": st.one_of(st.text(max_size=80), st.lists(st.sampled_from(WORDS), max_size=15).map(" ".join),
                      st.integers(0, 40).map(lambda i: f"@copy{i}")),
    "cites": st.lists(st.integers(-3, 60), max_size=5),
})
reply = st.one_of(
    st.lists(sentence, max_size=5).map(lambda s: {"sentences": s}),
    st.lists(st.fixed_dictionaries({"pair": st.integers(-1, 8), "text": st.text(max_size=60)}), max_size=3)
    .map(lambda c: {"conflicts": c}),
    st.text(max_size=40),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies=st.lists(reply, min_size=1, max_size=12))
def test_random_replies_never_break_citations(replies):
    calls = {"n": 0}

    def handler(request):
        out = replies[calls["n"] % len(replies)]
        calls["n"] += 1
        if isinstance(out, dict) and "sentences" in out:
            lines = dict(numbered_lines(request))
            # "@copyN" stands for a verbatim copy of passage N (when it exists): realistic weak output.
            out = {"sentences": [
                {**s, "text": lines.get(int(s["text"][5:]), s["text"]) if s["text"].startswith("@copy") else s["text"]}
                for s in out["sentences"]
            ]}
        return json.dumps(out) if isinstance(out, dict) else out

    result = run(DOCS, FakeChatModel(handler), SummaryOptions(per_source_sentences=2, consolidated_sentences=3))
    assert_valid(result, DOCS)
