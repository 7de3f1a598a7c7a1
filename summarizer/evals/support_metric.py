"""A local, lexical stand-in for ALCE's NLI citation scorer (Gao et al. 2023, "Enabling Large
Language Models to Generate Text with Citations").

ALCE asks an NLI model whether the concatenated cited passages entail a sentence. We have no NLI
model offline, so "entails" is approximated lexically and documented as such:

    premise supports sentence  <=>  coverage(sentence, premise) >= threshold
    coverage = |W(sentence) & W(premise)| / |W(sentence)|

where W(x) is the set of content words of x (``textstats.content_words``: normalized words minus
stopwords and bare digits) plus the numbers in x (so "322 million" vs "350 million" differ). A
sentence with no content words counts as supported. The default threshold 0.6 accepts paraphrase
that keeps the key terms and rejects a sentence whose terms mostly come from elsewhere.

Recall (per sentence): 1 if the concatenation of all its cited spans supports it.
Precision (per citation), as in ALCE: a citation is relevant if the sentence is supported by all
its citations AND (the citation alone supports it OR removing it breaks the support).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract.result import Sentence
from ..evidence.textstats import content_words, numbers

DEFAULT_THRESHOLD = 0.6


def terms(text: str) -> set[str]:
    return set(content_words(text)) | numbers(text)


def coverage(sentence: str, premise: str) -> float:
    want = terms(sentence)
    if not want:
        return 1.0
    return len(want & terms(premise)) / len(want)


def premise_supports(premise: str, sentence: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    return coverage(sentence, premise) >= threshold


@dataclass
class SupportScore:
    sentences: int = 0
    supported: int = 0
    citations: int = 0
    relevant: int = 0

    @property
    def recall(self) -> float:
        return self.supported / self.sentences if self.sentences else 1.0

    @property
    def precision(self) -> float:
        return self.relevant / self.citations if self.citations else 1.0


def score_sentences(sentences: list[Sentence], threshold: float = DEFAULT_THRESHOLD) -> SupportScore:
    out = SupportScore()
    for s in sentences:
        out.sentences += 1
        spans = [c.text for c in s.citations]
        out.citations += len(spans)
        if not spans or not premise_supports(" ".join(spans), s.text, threshold):
            continue  # unsupported: ALCE counts none of its citations as relevant
        out.supported += 1
        for i, span in enumerate(spans):
            rest = spans[:i] + spans[i + 1 :]
            alone = premise_supports(span, s.text, threshold)
            needed = not rest or not premise_supports(" ".join(rest), s.text, threshold)
            if alone or needed:
                out.relevant += 1
    return out
