"""Token-aware chunks along sentence boundaries, with overlap.

Pure: takes a source text and its sentence spans, returns ``Chunk``s such that
``chunk.text(source) == source[chunk.start:chunk.end]`` and ``chunk.tokens <= max_tokens``
(counted exactly with the configured tiktoken encoding). A sentence longer than a chunk is cut at
whitespace (or, failing that, anywhere) into pieces that fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from ...errors import ConfigError
from ...prepare.tokens import TokenCounter

MIN_CHUNK_TOKENS = 4


@dataclass(frozen=True, slots=True)
class Chunk:
    source_id: str
    start: int
    end: int
    tokens: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def _split_long(text: str, start: int, end: int, max_tokens: int, counter: TokenCounter):
    """Cut ``text[start:end]`` into consecutive pieces of at most ``max_tokens`` tokens."""
    pieces: list[tuple[int, int, int]] = []
    a = start
    while a < end:
        # Largest prefix that fits, found by bisection on character offsets.
        lo, hi = a + 1, end
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if counter.count(text[a:mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        cut = lo
        if cut < end:
            space = text.rfind(" ", a + 1, cut)
            if space > a + (cut - a) // 2:
                cut = space
        b = cut
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            pieces.append((a, b, counter.count(text[a:b])))
        a = cut
        while a < end and text[a].isspace():
            a += 1
    return pieces


def _pieces(text: str, sentences: Sequence[tuple[int, int]], counter: TokenCounter, max_tokens: int,
            counts: Optional[Sequence[int]]) -> list[tuple[int, int, int]]:
    """Sentence-sized pieces ``(start, end, tokens)``, each known to fit on its own."""
    pieces: list[tuple[int, int, int]] = []
    for k, (a, b) in enumerate(sentences):
        n = counts[k] if counts is not None else counter.parts(text[a:b])[0]
        if n <= max_tokens:
            pieces.append((a, b, n))
        else:
            pieces.extend(_split_long(text, a, b, max_tokens, counter))
    return pieces


def chunk_source(
    source_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    counter: TokenCounter,
    max_tokens: int = 512,
    overlap_tokens: int = 64,
    counts: Optional[Sequence[int]] = None,
) -> list[Chunk]:
    """Chunks of ``text`` along ``sentences``; ``counts`` are the sentences' token counts when the
    caller has them already, saving a second count of the whole text."""
    # One code point can take up to 4 tokens (its UTF-8 bytes), so below 4 a chunk may not fit.
    if max_tokens < MIN_CHUNK_TOKENS or overlap_tokens < 0 or overlap_tokens >= max_tokens:
        raise ConfigError(
            f"chunking needs max_tokens >= {MIN_CHUNK_TOKENS} and 0 <= overlap_tokens < max_tokens"
        )
    pieces = _pieces(text, sentences, counter, max_tokens, counts)
    spans = [(a, b) for a, b, _ in pieces]
    chunks: list[Chunk] = []
    i = prev_nxt = 0
    while i < len(pieces):
        j = i
        start = pieces[i][0]
        best = (pieces[i][1], pieces[i][2], i + 1)
        # Grow while the exact count of the joined span still fits. The sum of piece counts is a
        # near-exact estimate; only the final candidate is counted exactly, from the pieces'
        # memoised parts rather than by re-reading the joined text.
        est = pieces[i][2]
        while j + 1 < len(pieces) and est + pieces[j + 1][2] <= max_tokens:
            j += 1
            est += pieces[j][2]
        while j > i:
            n = counter.count_joined(text, spans[i : j + 1])
            if n <= max_tokens:
                best = (pieces[j][1], n, j + 1)
                break
            j -= 1
        end, n, nxt = best
        if nxt <= prev_nxt:
            # The overlap left no room for a new piece: this chunk would sit inside the previous
            # one. Start right after the previous chunk instead, without overlap.
            i = prev_nxt
            continue
        prev_nxt = nxt
        chunks.append(Chunk(source_id, start, end, n))
        if nxt >= len(pieces):
            break
        # Step back over trailing pieces for overlap, but always make progress.
        back, k = 0, nxt
        while k - 1 > i and back + pieces[k - 1][2] <= overlap_tokens:
            k -= 1
            back += pieces[k][2]
        i = k
    return chunks
