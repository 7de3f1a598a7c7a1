"""Does a generated sentence say what its cited passages say? Pure.

A model (especially a weak one) cites wrong numbers, writes filler and sometimes invents quotes,
figures or the opposite of what a passage says. Every generated sentence goes through
``Resolver.resolve`` before it can reach a result:

* Filler: fewer than 2 content words (not counting ``META_WORDS`` such as "article",
  "discusses") -> dropped.
* Support: the grounding engine (``grounding.py``) judges the sentence against the cited passages
  and the allowed pool (its source, or the reduce step's facts) together, ties going to the cited
  ones: every figure, name and quote must be in the passages it picks, no clause may say the
  opposite, and those passages must state enough of what the sentence asserts.
* Citations the engine did not pick are dropped; passages it picked that were not cited are
  added ("re-pointing"), up to ``MAX_CITES``. An unsupported or contradicted sentence is dropped.
* Near-duplicates (content-word Jaccard >= ``DUPLICATE``) of an earlier kept sentence are dropped.

``supports`` (a cheap lexical share test) remains for callers that pre-filter candidates.
Every decision is counted in the run's stats so nothing disappears silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, Hashable, Optional, Sequence, TypeVar

from ..prepare.dedup import normalized_words
from .grounding import CONTRADICTED, Grounder
from .grounding import Passage as GroundingPassage
from .textstats import content_words, jaccard, numbers

UNIT_SUPPORT = 0.34
SENTENCE_SUPPORT = 0.5
MIN_SHARED = 2
DUPLICATE = 0.7
MAX_CITES = 4  # per generated sentence, after re-pointing
# Words a weak model uses to talk *about* the text instead of stating its facts.
META_WORDS = frozenset("""article articles text story report summary summarizes summarises discusses describes
    mentions talks interesting important information details topic news piece author writer""".split())
_QUOTE_RE = re.compile(r"[“\"]([^”\"]+)[”\"]")

K = TypeVar("K", bound=Hashable)


@dataclass
class SupportCounters:
    """What the support check dropped or changed, counted so nothing disappears silently."""

    filler_sentences: int = 0
    unsupported_citations: int = 0
    repointed_citations: int = 0
    unsupported_sentences: int = 0
    unsupported_numbers: int = 0
    made_up_quotes: int = 0
    duplicate_sentences: int = 0
    contradicted_sentences: int = 0


@dataclass(frozen=True)
class Passage(Generic[K]):
    """Something a sentence can cite: a key (a Unit id, a fact) and its text."""

    key: K
    text: str
    words: frozenset[str]
    nums: frozenset[str]
    norm: str  # normalized word string, for quote checks

    @classmethod
    def of(cls, key: K, text: str) -> "Passage[K]":
        return cls(key, text, frozenset(content_words(text)), frozenset(numbers(text)), " ".join(normalized_words(text)))


def supports(sentence_words: frozenset[str], p: Passage) -> bool:
    shared = len(sentence_words & p.words)
    if not sentence_words or shared < min(MIN_SHARED, len(sentence_words)):
        return False
    return shared / len(sentence_words) >= UNIT_SUPPORT


def clean_text(text: str) -> str:
    return " ".join(str(text).split())


def _quotes(text: str) -> list[str]:
    out = []
    for q in _QUOTE_RE.findall(text):
        norm = " ".join(normalized_words(q))
        if len(norm.split()) >= 3:
            out.append(norm)
    return out


_DROP_COUNTER = {"number_missing": "unsupported_numbers", "number_mismatch": "contradicted_sentences",
                 "quote_missing": "made_up_quotes"}


class Resolver(Generic[K]):
    """Validates generated sentences against passages; ``counts`` collects what it dropped."""

    def __init__(self, counts: SupportCounters) -> None:
        self.counts = counts
        self._kept_words: list[frozenset[str]] = []

    def resolve(self, text: str, cited: Sequence[Passage[K]], pool: Sequence[Passage[K]]) -> Optional[list[Passage[K]]]:
        """The passages that support ``text`` (cited ones first, then re-pointed), or None to drop it.

        The decision is the grounding engine's (``grounding.Grounder``) over the cited passages
        and the pool together, the cited ones winning ties."""
        text = clean_text(text)
        words = frozenset(content_words(text))
        if len(words - META_WORDS) < 2:
            self.counts.filler_sentences += 1
            return None
        candidates = list(dict.fromkeys([*cited, *pool]))
        verdict = Grounder([GroundingPassage(p.text) for p in candidates]).check(text, prefer=range(len(cited)))
        chosen = [candidates[i] for i in verdict.passages]
        if not verdict.supported:
            if verdict.status == CONTRADICTED:
                self.counts.contradicted_sentences += 1
            else:
                counter = _DROP_COUNTER.get(verdict.reason, "unsupported_sentences")
                setattr(self.counts, counter, getattr(self.counts, counter) + 1)
            return None
        kept = [p for p in cited if p in chosen] + [p for p in chosen if p not in cited]
        kept = list(dict.fromkeys(kept))[:MAX_CITES]
        self.counts.unsupported_citations += len({*cited} - {*kept})
        self.counts.repointed_citations += sum(1 for p in kept if p not in cited)
        if any(jaccard(words, w) >= DUPLICATE for w in self._kept_words):
            self.counts.duplicate_sentences += 1
            return None
        self._kept_words.append(words)
        return kept
