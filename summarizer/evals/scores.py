"""Metrics of one result against its case. Pure: result + case in, numbers and notes out.

Scope: citation validity, uncited sentences, support and junk are measured over every sentence
(per-source, consolidated, conflicts) except that support skips conflict sentences, which are
generated statements *about* the cited spans ("Page dates disagree: ...") rather than claims the
spans entail. ROUGE, redundancy, length and facts are measured on the consolidated summary.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from ..contract.result import SummaryResult
from ..evidence.citations import check_result
from ..evidence.textstats import jaccard
from ..prepare.cleaning import find_junk
from ..prepare.dedup import normalized_words
from .suite import Case
from ..evidence.sources import corpus_grounder, text_dates
from ..prepare.corpus import prepare
from .support_metric import score_sentences

#: Checks that hold for every case unless a suite says otherwise (citation validity cannot be
#: relaxed at all: see gate.py).
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "uncited_sentences": {"max": 0},
    "junk_cited": {"max": 0},
    "contradicted_sentences": {"max": 0},
}



@lru_cache(maxsize=1)
def _scorer():
    # Imported on first use: rouge-score pulls in nltk (~1 s), which every CLI command would pay.
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


@dataclass
class CaseMetrics:
    values: dict[str, Optional[float]] = field(default_factory=dict)
    #: Human-readable details for failures (bad citations, missing facts...).
    notes: dict[str, list[str]] = field(default_factory=dict)


def _matches(keywords: list[str], text: str) -> bool:
    low = text.lower()
    return all(any(alt.strip().lower() in low for alt in kw.split("|") if alt.strip()) for kw in keywords)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def redundancy(sentences: list[str]) -> float:
    """Max pairwise Jaccard similarity of word sets between summary sentences (0 = no overlap)."""
    bags = [set(normalized_words(s)) for s in sentences]
    return max((jaccard(a, b) for a, b in itertools.combinations(bags, 2)), default=0.0)


def rouge(summary: str, references: list[str]) -> dict[str, float]:
    """Mean F1 over the references (rouge-score, Porter stemming)."""
    if not references:
        return {}
    sums = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for ref in references:
        for k, v in _scorer().score(ref, summary).items():
            sums[k] += v.fmeasure
    return {k: round(v / len(references), 4) for k, v in sums.items()}


def compute(case: Case, result: SummaryResult) -> CaseMetrics:
    texts = {d.id: d.text for d in case.documents}
    m = CaseMetrics()
    v = m.values
    everything = result.all_sentences()
    n_cit = sum(len(s.citations) for _, s in everything)

    problems = [p for p in check_result(result, texts) if p.message != "sentence has no citation"]
    bad = [p for p in problems if ".citations[" in p.where]
    v["invalid_citations"] = len(problems)
    v["citation_validity"] = round(1 - len(bad) / n_cit, 4) if n_cit else 1.0
    if problems:  # source-level problems too (text missing, sha256 differs): they count as invalid
        m.notes["invalid_citations"] = [str(p) for p in problems]
    uncited = [w for w, s in everything if not s.citations]
    v["uncited_sentences"] = len(uncited)
    if uncited:
        m.notes["uncited_sentences"] = uncited

    claims = [(w, s) for w, s in everything if not w.startswith("conflicts[")]
    rarity = corpus_grounder(prepare(case.documents))  # word weights: rarity in the case's sources
    sup = score_sentences([s for _, s in claims], text_dates(texts), [w for w, _ in claims], rarity)
    v["support_recall"] = round(sup.recall, 4)
    v["support_precision"] = round(sup.precision, 4)
    v["contradicted_sentences"] = sup.contradicted
    if sup.notes:
        m.notes["contradicted_sentences"] = sup.notes

    junk = {sid: find_junk(t) for sid, t in texts.items()}
    junk_hits: list[str] = []
    for where, s in everything:
        for c in s.citations:
            for j in junk.get(c.source_id, []):
                if where.startswith("conflicts[") and j.reason == "page_date":
                    continue  # a conflict about page dates cites the date lines on purpose
                if _overlaps(c.start, c.end, j.start, j.end):
                    junk_hits.append(f"{where}: cites {c.source_id}[{c.start}:{c.end}] ({j.reason})")
                    break
    v["junk_cited"] = len(junk_hits)
    if junk_hits:
        m.notes["junk_cited"] = junk_hits

    cons = [s.text for s in result.consolidated]
    summary = " ".join(cons)
    v.update(rouge(summary, case.references))
    v["redundancy"] = round(redundancy(cons), 4)
    v["sentences"] = len(cons)
    v["words"] = len(summary.split())

    facts = case.spec.expect.facts
    if facts:
        missing = [f.name or " + ".join(f.keywords) for f in facts if not _matches(f.keywords, summary)]
        v["facts_recall"] = round(1 - len(missing) / len(facts), 4)
        if missing:
            m.notes["facts_recall"] = [f"missing fact: {x}" for x in missing]

    if case.spec.expect.no_cite:
        hits: list[str] = []
        for rule in case.spec.expect.no_cite:
            for sid, t in texts.items():
                if rule.source not in (None, sid):
                    continue
                a = t.find(rule.text)
                if a < 0:
                    continue
                b = a + len(rule.text)
                for where, s in everything:
                    hits += [f"{where} cites forbidden span {rule.text[:40]!r} in {sid}"
                             for c in s.citations if c.source_id == sid and _overlaps(c.start, c.end, a, b)]
        v["no_cite_violations"] = len(hits)
        if hits:
            m.notes["no_cite_violations"] = hits

    v["conflicts"] = len(result.conflicts)
    expected = case.spec.expect.conflicts
    if expected:
        bodies = [s.text + " " + " ".join(c.text for c in s.citations) for s in result.conflicts]
        missing = [e.name or " + ".join(e.keywords) for e in expected if not any(_matches(e.keywords, b) for b in bodies)]
        v["conflicts_recall"] = round(1 - len(missing) / len(expected), 4)
        if missing:
            m.notes["conflicts_recall"] = [f"conflict not found: {x}" for x in missing]

    st = result.stats
    v["llm_calls"] = st.llm_calls
    v["tokens"] = st.prompt_tokens + st.completion_tokens
    v["seconds"] = st.seconds
    return m


def expectation_defaults(case: Case) -> dict[str, dict[str, float]]:
    """Expectations written in a case are checks by default: every fact, every conflict, no
    forbidden span. A suite may relax them per backend with explicit thresholds."""
    out = dict(DEFAULT_THRESHOLDS)
    if case.spec.expect.facts:
        out["facts_recall"] = {"min": 1.0}
    if case.spec.expect.no_cite:
        out["no_cite_violations"] = {"max": 0}
    if case.spec.expect.conflicts:
        out["conflicts_recall"] = {"min": 1.0}
    return out
