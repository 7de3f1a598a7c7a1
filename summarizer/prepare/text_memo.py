"""What cleaning and segmentation made of each document text, kept across runs in this process.

Both are pure functions of the text, and they are about a quarter of a run on a small input. A
service sees the same text again and again: a story cluster re-summarized as articles arrive, the
same wire copy in many outlets' pages, a client retrying. The memo is bounded by the characters
of the texts it keeps (least recently used first out), so a one-shot run over a large corpus
holds at most ``MAX_CHARS`` characters' worth beyond what it needs anyway. Token counts are not
kept here: they depend on the encoding, and the counter memoises them per sentence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

from .spans import JunkSpan

#: About 130 seeds-sized requests' distinct documents; a few MB of objects.
MAX_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class CleanText:
    """One text's junk spans, guessed title, sentence spans, their texts and their junk marks."""

    junk: tuple[JunkSpan, ...]
    title: str
    spans: tuple[tuple[int, int], ...]
    sentences: tuple[str, ...]
    marks: tuple[Optional[str], ...]


class TextMemo:
    """A bounded, thread-safe map from a text to its ``CleanText``."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars, self.chars = max_chars, 0
        self._entries: OrderedDict[str, CleanText] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> Optional[CleanText]:
        with self._lock:
            found = self._entries.get(text)
            if found is not None:
                self._entries.move_to_end(text)
            return found

    def put(self, text: str, clean: CleanText) -> None:
        if len(text) > self.max_chars:
            return
        with self._lock:
            if text in self._entries:
                return
            self._entries[text] = clean
            self.chars += len(text)
            while self.chars > self.max_chars:
                old, _ = self._entries.popitem(last=False)
                self.chars -= len(old)


#: This process's memo: every run of ``prepare`` shares it unless given another.
PROCESS_MEMO = TextMemo()
