"""Multi-source attribution at assembly: every source that supports a consolidated sentence is
cited, and stats count the independent ones (copies of one text count once)."""

from __future__ import annotations

import asyncio

from summarizer import Document, SummaryOptions, summarize
from summarizer.evidence.attribution import attribute
from summarizer.evidence.grounding import Grounder, Passage

A = "The council voted on Monday to rebuild the harbor wall in Marlow. The mayor said work starts in May.\n"
B = "Marlow's harbor wall will be rebuilt after the council voted on Monday. Fishermen were pleased.\n"
C = "A bakery in the capital reopened after the holidays with new owners and a new menu.\n"


def test_a_consolidated_sentence_cites_every_source_that_supports_it():
    docs = [Document("a", A), Document("b", B), Document("c", C)]
    result = asyncio.run(summarize(docs, SummaryOptions(backend="extractive", consolidated_sentences=3)))
    first = next(s for s in result.consolidated if s.text.startswith("The council voted"))
    assert {c.source_id for c in first.citations} == {"a", "b"}
    k = result.consolidated.index(first)
    assert result.stats.corroborating_sources[k] == 2
    assert len(result.stats.corroborating_sources) == len(result.consolidated)
    texts = {d.id: d.text for d in docs}
    for s in result.consolidated:
        for c in s.citations:
            assert c.text == texts[c.source_id][c.start:c.end]


def test_verbatim_copies_count_once():
    line = "The council voted on Monday to rebuild the harbor wall in Marlow."
    passages = [Passage(line, "a", 0), Passage(line, "b", 0), Passage(B.split(". ")[0] + ".", "c", 0)]
    g = Grounder(passages)
    found = attribute(g, line, [])
    assert {c.source_id for c in found.citations} == {"a", "b", "c"}
    assert found.independent == 2
