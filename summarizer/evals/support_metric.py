"""Citation support scores in the manner of ALCE (Gao et al. 2023, "Enabling Large Language
Models to Generate Text with Citations"), judged by the project's grounding engine.

ALCE asks an NLI model whether the concatenated cited passages entail a sentence. Offline, the
judge is ``evidence.grounding`` (the same engine that verifies LLM sentences and powers ``cite``):
figures in any written form, names, polarity, roles and weighted coverage, checked against the
cited spans only; the page-date lines of the cited sources may confirm a year or a date.

Recall (per sentence): 1 if its citations together support it.
Precision (per citation), as in ALCE: a citation is relevant if the sentence is supported by all
its citations AND (the citation alone supports it OR removing it breaks the support).
Contradicted: sentences the cited spans contradict (negated, a changed figure, swapped roles);
the gate fails a case with any (``contradicted_sentences``, default ``max = 0``).
A sentence with no content words asserts nothing and counts as supported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from ..contract.result import Citation, Sentence
from ..evidence.grounding import CONTRADICTED, Grounder, Passage, Verdict


def judge(text: str, citations: Sequence[Citation], dates: Optional[Mapping[str, list[str]]] = None,
          rarity: Optional[Grounder] = None) -> Verdict:
    """The engine's verdict on ``text`` from ``citations`` alone (word weights from ``rarity``,
    a grounder over all the sources, when given)."""
    passages = [Passage(c.text, c.source_id, c.start) for c in citations]
    return Grounder(passages, dates, rarity).check(text)


def _supported(v: Verdict) -> bool:
    return v.supported or v.reason == "no_claim"


@dataclass
class SupportScore:
    sentences: int = 0
    supported: int = 0
    citations: int = 0
    relevant: int = 0
    contradicted: int = 0
    notes: list[str] = field(default_factory=list)  # one line per contradicted sentence

    @property
    def recall(self) -> float:
        return self.supported / self.sentences if self.sentences else 1.0

    @property
    def precision(self) -> float:
        return self.relevant / self.citations if self.citations else 1.0


def score_sentences(sentences: Sequence[Sentence], dates: Optional[Mapping[str, list[str]]] = None,
                    labels: Optional[Sequence[str]] = None, rarity: Optional[Grounder] = None) -> SupportScore:
    out = SupportScore()
    for k, s in enumerate(sentences):
        out.sentences += 1
        cites = list(s.citations)
        out.citations += len(cites)
        verdict = judge(s.text, cites, dates, rarity) if cites else Verdict("unsupported", "no_citation")
        if verdict.status == CONTRADICTED:
            out.contradicted += 1
            where = labels[k] if labels else f"sentence {k}"
            out.notes.append(f"{where}: contradicted by its citations ({verdict.reason}: {verdict.detail})")
        if not cites or not _supported(verdict):
            continue  # unsupported: ALCE counts none of its citations as relevant
        out.supported += 1
        for i, c in enumerate(cites):
            rest = cites[:i] + cites[i + 1 :]
            alone = _supported(judge(s.text, [c], dates, rarity))
            needed = not rest or not _supported(judge(s.text, rest, dates, rarity))
            if alone or needed:
                out.relevant += 1
    return out
