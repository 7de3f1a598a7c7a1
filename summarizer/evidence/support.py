"""Does a generated sentence say what its cited passages say? Lexical support checking. Pure.

A model (especially a weak one) cites wrong numbers, writes filler and sometimes invents quotes or
figures. Every generated sentence goes through ``Resolver.resolve`` before it can reach a result:

* Scorer: content words (``textstats.content_words``: lower-cased, stopwords and bare digits
  removed). ``share(sentence, passage)`` = fraction of the sentence's content words that occur in
  the passage.
* A cited passage *supports* the sentence when it shares at least ``MIN_SHARED`` content words
  (or all of them, for a 1-word sentence) and ``share >= UNIT_SUPPORT`` (0.34).
* The sentence is *supported* when the union of its supporting passages covers
  ``share >= SENTENCE_SUPPORT`` (0.5) of its content words, every number it states occurs in
  those passages, and every quoted phrase (3+ words in quotes) occurs in one of them.
* Unsupporting citations are dropped; the sentence is then topped up with the best supporting
  passages of the allowed pool (its source, or the reduce step's facts): "re-pointing". A sentence
  still unsupported is dropped. Sentences with fewer than 2 content words
  (not counting ``META_WORDS`` such as "article", "discusses") are filler.
* Near-duplicates (content-word Jaccard >= ``DUPLICATE``) of an earlier kept sentence are dropped.

Every decision is counted in the run's stats so nothing disappears silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, Hashable, Optional, Sequence, TypeVar

from ..prepare.dedup import normalized_words
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


class Resolver(Generic[K]):
    """Validates generated sentences against passages; ``counts`` collects what it dropped."""

    def __init__(self, counts: SupportCounters) -> None:
        self.counts = counts
        self._kept_words: list[frozenset[str]] = []

    def resolve(self, text: str, cited: Sequence[Passage[K]], pool: Sequence[Passage[K]]) -> Optional[list[Passage[K]]]:
        """The passages that support ``text`` (cited ones first, then re-pointed), or None to drop it."""
        text = clean_text(text)
        words = frozenset(content_words(text))
        if len(words - META_WORDS) < 2:
            self.counts.filler_sentences += 1
            return None
        kept: list[Passage[K]] = []
        for p in cited:
            if p in kept:
                continue
            if supports(words, p):
                kept.append(p)
            else:
                self.counts.unsupported_citations += 1
        covered = set().union(*(p.words for p in kept)) & words
        nums_needed = numbers(text)
        nums_have: set[str] = set().union(*(p.nums for p in kept))
        # Re-point: add the pool's passages that cover the most still-uncovered words.
        while len(kept) < MAX_CITES and (len(covered) / len(words) < SENTENCE_SUPPORT or nums_needed - nums_have):
            best, gain = None, 0.0
            for p in pool:
                if p in kept or not supports(words, p):
                    continue
                g = len((p.words & words) - covered) + 2 * len((nums_needed - nums_have) & p.nums)
                if g > gain:
                    best, gain = p, g
            if best is None:
                break
            kept.append(best)
            covered |= best.words & words
            nums_have |= best.nums
            self.counts.repointed_citations += 1
        if not kept or len(covered) / len(words) < SENTENCE_SUPPORT:
            self.counts.unsupported_sentences += 1
            return None
        if nums_needed - nums_have:
            self.counts.unsupported_numbers += 1
            return None
        for q in _quotes(text):
            if not any(q in p.norm for p in kept):
                self.counts.made_up_quotes += 1
                return None
        if any(jaccard(words, w) >= DUPLICATE for w in self._kept_words):
            self.counts.duplicate_sentences += 1
            return None
        self._kept_words.append(words)
        return kept
