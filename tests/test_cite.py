"""``cite``: Python (sync and async), the CLI through a subprocess, the LLM judge over real HTTP."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer import CiteOptions, Document, acite, cite
from summarizer.config.settings import Settings
from summarizer.errors import InputError
from summarizer.testing.fake_openai import FakeOpenAIServer

from .conftest import SEEDS, documents_text
from .test_cli_e2e import run_cli

DOCS = [
    Document("a", "Monday, 3 March 2025\n\nThe council voted on Monday to rebuild the harbor wall. "
                  "Work will cost 4.2 million euros, the mayor said.\n"),
    Document("b", "The harbor wall will be rebuilt after the council's vote on Monday. "
                  "Fishermen welcomed the decision.\n"),
]


def test_each_sentence_gets_a_status_exact_citations_and_a_reason():
    report = cite("The council voted to rebuild the harbor wall. The work will cost 9 million euros. "
                  "The council did not vote to rebuild the harbor wall. Aliens landed.", DOCS)
    got = [(s.status, s.reason) for s in report.sentences]
    assert got[0][0] == "supported"
    assert got[1] == ("contradicted", "number_mismatch")
    assert got[2] == ("contradicted", "negation")
    assert got[3][0] == "unsupported"
    assert (report.supported, report.unsupported, report.contradicted) == (1, 1, 2)
    texts = {d.id: d.text for d in DOCS}
    for s in report.sentences:
        for c in s.citations:
            assert c.text == texts[c.source_id][c.start:c.end]
    # Both sources state the first sentence: both are cited, two independent sources.
    assert {c.source_id for c in report.sentences[0].citations} == {"a", "b"}
    assert report.sentences[0].corroborating_sources == 2
    assert report.sentences[3].citations == []


def test_a_list_of_sentences_is_taken_as_given_and_acite_agrees():
    sentences = ["The council voted to rebuild the harbor wall", "Fishermen welcomed the decision."]
    report = cite(sentences, DOCS)
    assert [s.text for s in report.sentences] == sentences and report.all_supported
    assert asyncio.run(acite(sentences, DOCS)).model_dump() == report.model_dump()


def test_an_empty_summary_is_an_input_error():
    with pytest.raises(InputError):
        cite("   ", DOCS)
    with pytest.raises(InputError):
        cite(["", " "], DOCS)


@given(documents_text(), st.lists(st.integers(0, 10_000), min_size=1, max_size=4), st.text(max_size=80))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_returned_span_slices_back(text, picks, extra):
    """Whatever the text and the claims (sentences of the document itself, or noise)."""
    doc = Document("d", text + "\n")
    words = text.split()
    claims = [" ".join(words[p % max(1, len(words)):][:12]) or "x" for p in picks] + [extra or "y"]
    claims = [c for c in claims if c.strip()]
    try:
        report = cite(claims, [doc])
    except InputError:
        return  # a document that is empty once read is refused, not cited
    for s in report.sentences:
        for c in s.citations:
            assert c.text == doc.text[c.start:c.end]


def test_cli_exit_codes_and_formats(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Ukraine's general staff said Russian troops were withdrawing from Kharkiv.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("Russian troops were not withdrawing from Kharkiv. Aliens built Kharkiv.\n", encoding="utf-8")
    ok = run_cli("cite", str(good), "--sources", str(SEEDS))
    assert ok.returncode == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert body["sentences"][0]["status"] == "supported" and body["sentences"][0]["citations"]
    out = tmp_path / "report.md"
    failing = run_cli("cite", str(bad), "--sources", str(SEEDS), "--format", "markdown", "--out", str(out))
    assert failing.returncode == 1
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Citations") and "contradicted: negation" in md
    assert run_cli("cite", str(tmp_path / "missing.txt"), "--sources", str(SEEDS)).returncode == 2
    no_sources = run_cli("cite", str(good))
    assert no_sources.returncode == 2 and "Traceback" not in no_sources.stderr


def test_cli_reads_the_summary_from_stdin():
    import os
    import subprocess
    import sys

    from .conftest import REPO

    proc = subprocess.run([sys.executable, "-m", "summarizer", "cite", "-", "--sources", str(SEEDS)],
                          input="Kharkiv is Ukraine's second-largest city.\n", capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["supported"] == 1


def test_the_llm_judge_rules_on_the_engines_evidence(tmp_path):
    asked: list[str] = []

    def handler(body: dict) -> dict:
        user = body["messages"][-1]["content"]
        asked.append(user)
        return {"verdict": "contradicted" if "9 million" in user else "supported", "reason": "checked"}

    with FakeOpenAIServer(handler) as server:
        s = Settings(base_url=server.base_url, model="judge-model", data_dir=tmp_path)
        options = CiteOptions(judge=True)
        report = cite(["The council voted to rebuild the harbor wall.", "The work will cost 9 million euros.",
                       "Aliens landed on the moon."], DOCS, options, s)
        calls = server.calls
        again = cite(["The council voted to rebuild the harbor wall."], DOCS, options, s)  # reply cache
        assert server.calls == calls
    assert [x.status for x in report.sentences] == ["supported", "contradicted", "unsupported"]
    assert report.sentences[1].reason == "llm_judge" and report.sentences[1].detail == "checked"
    assert calls == 2  # nothing in the sources is about aliens: not asked
    # The engine's evidence is what the judge sees (the two calls run concurrently: either order).
    (cost_prompt,) = [u for u in asked if "9 million" in u]
    assert "Work will cost 4.2 million euros" in cost_prompt
    assert again.sentences[0].status == "supported"
