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
from typing import Mapping, Optional

from ..contract.result import Sentence, SummaryResult
from ..evidence.citations import check_result
from ..evidence.textstats import jaccard
from ..prepare.cleaning import find_junk
from ..prepare.dedup import normalized_words
from .suite import Case
from ..evidence.sources import corpus_grounder, text_dates
from ..prepare.corpus import Corpus, prepare
from ..backends.readable import stands_alone
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


def lead_summary(corpus: Corpus, words: int) -> str:
    """The Lead baseline: the first content sentences of the documents in order (the first
    document's, then the next one's...), cut to ``words`` words."""
    out: list[str] = []
    texts = corpus.texts
    for d in corpus.documents:
        for s in corpus.sentences[d.id]:
            if s.junk is None:
                out += texts[d.id][s.start : s.end].split()
                if len(out) >= words:
                    return " ".join(out[:words])
    return " ".join(out)


def compute(case: Case, result: SummaryResult) -> CaseMetrics:
    """Every metric of one case's result (values, and notes saying what failed)."""
    texts = {d.id: d.text for d in case.documents}
    m = CaseMetrics()
    everything = result.all_sentences()
    corpus = prepare(case.documents)
    _citation_metrics(m, result, texts, everything)
    _support_metrics(m, corpus, texts, everything)
    _junk_metrics(m, texts, everything)
    _summary_metrics(m, case, result, corpus)
    _no_cite_metrics(m, case, texts, everything)
    _conflict_metrics(m, case, result)
    st = result.stats
    m.values.update(llm_calls=st.llm_calls, tokens=st.prompt_tokens + st.completion_tokens, seconds=st.seconds)
    return m


def _note(m: CaseMetrics, metric: str, value: float, notes: list[str]) -> None:
    m.values[metric] = value
    if notes:
        m.notes[metric] = notes


def _citation_metrics(m: CaseMetrics, result: SummaryResult, texts: dict[str, str], everything) -> None:
    n_cit = sum(len(s.citations) for _, s in everything)
    problems = [p for p in check_result(result, texts) if p.message != "sentence has no citation"]
    bad = [p for p in problems if ".citations[" in p.where]
    # Source-level problems too (text missing, sha256 differs) count as invalid.
    _note(m, "invalid_citations", len(problems), [str(p) for p in problems])
    m.values["citation_validity"] = round(1 - len(bad) / n_cit, 4) if n_cit else 1.0
    uncited = [w for w, s in everything if not s.citations]
    _note(m, "uncited_sentences", len(uncited), uncited)


def _support_metrics(m: CaseMetrics, corpus: Corpus, texts: dict[str, str], everything) -> None:
    claims = [(w, s) for w, s in everything if not w.startswith("conflicts[")]
    rarity = corpus_grounder(corpus)  # word weights: rarity in the case's sources
    sup = score_sentences([s for _, s in claims], text_dates(texts), [w for w, _ in claims], rarity)
    m.values["support_recall"] = round(sup.recall, 4)
    m.values["support_precision"] = round(sup.precision, 4)
    _note(m, "contradicted_sentences", sup.contradicted, sup.notes)


def _junk_metrics(m: CaseMetrics, texts: dict[str, str], everything) -> None:
    junk = {sid: find_junk(t) for sid, t in texts.items()}
    hits: list[str] = []
    for where, s in everything:
        for c in s.citations:
            for j in junk.get(c.source_id, []):
                if where.startswith("conflicts[") and j.reason == "page_date":
                    continue  # a conflict about page dates cites the date lines on purpose
                if _overlaps(c.start, c.end, j.start, j.end):
                    hits.append(f"{where}: cites {c.source_id}[{c.start}:{c.end}] ({j.reason})")
                    break
    _note(m, "junk_cited", len(hits), hits)


def _summary_metrics(m: CaseMetrics, case: Case, result: SummaryResult, corpus: Corpus) -> None:
    cons = [s.text for s in result.consolidated]
    summary = " ".join(cons)
    n_words = len(summary.split())
    m.values.update(rouge(summary, case.references))
    if case.references:
        lead = rouge(lead_summary(corpus, n_words), case.references)
        m.values.update({f"lead_{k}": v for k, v in lead.items()})
    m.values.update(redundancy=round(redundancy(cons), 4), sentences=len(cons), words=n_words)
    asked = case.options.get("words")
    if asked:
        m.values["words_error"] = round(abs(n_words - asked) / asked, 4)
    dangling = [s.text for before, s in zip([None, *result.consolidated], result.consolidated)
                if not stands_alone(s.text) and not follows(before, s, corpus.texts)]
    _note(m, "dangling_sentences", len(dangling), [f"opens by pointing back: {t[:80]!r}" for t in dangling])
    facts = case.spec.expect.facts
    if facts:
        missing = [f.name or " + ".join(f.keywords) for f in facts if not _matches(f.keywords, summary)]
        _note(m, "facts_recall", round(1 - len(missing) / len(facts), 4), [f"missing fact: {x}" for x in missing])


def follows(before: Optional[Sentence], s: Sentence, texts: Mapping[str, str]) -> bool:
    """Whether summary sentence ``s`` comes right after ``before`` in some source (they cite
    spans with nothing but spaces and punctuation between): its antecedent, given just before it."""
    if before is None:
        return False
    ends = {(c.source_id, c.end) for c in before.citations}
    for c in s.citations:
        text = texts.get(c.source_id, "")
        for sid, end in ends:
            if sid == c.source_id and end <= c.start and not any(ch.isalnum() for ch in text[end : c.start]):
                return True
    return False


def _no_cite_metrics(m: CaseMetrics, case: Case, texts: dict[str, str], everything) -> None:
    if not case.spec.expect.no_cite:
        return
    hits: list[str] = []
    for rule in case.spec.expect.no_cite:
        for sid, t in texts.items():
            a = t.find(rule.text) if rule.source in (None, sid) else -1
            if a < 0:
                continue
            b = a + len(rule.text)
            for where, s in everything:
                hits += [f"{where} cites forbidden span {rule.text[:40]!r} in {sid}"
                         for c in s.citations if c.source_id == sid and _overlaps(c.start, c.end, a, b)]
    _note(m, "no_cite_violations", len(hits), hits)


def _conflict_metrics(m: CaseMetrics, case: Case, result: SummaryResult) -> None:
    m.values["conflicts"] = len(result.conflicts)
    expected = case.spec.expect.conflicts
    if expected:
        bodies = [s.text + " " + " ".join(c.text for c in s.citations) for s in result.conflicts]
        missing = [e.name or " + ".join(e.keywords) for e in expected if not any(_matches(e.keywords, b) for b in bodies)]
        _note(m, "conflicts_recall", round(1 - len(missing) / len(expected), 4),
              [f"conflict not found: {x}" for x in missing])


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
    if case.options.get("words"):
        out["words_error"] = {"max": 0.1}  # the length asked, within 10%
    return out
