"""Preparing documents for summarization: clean, segment, count, dedup. Pure, no I/O.

``prepare`` is the shared front half of every backend: it turns ``Document``s into a ``Corpus``
of sentences (with junk marks and token counts) and deduplicated ``Unit``s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import chain
from types import MappingProxyType
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

from ..contract.documents import Document
from ..errors import InputError
from ..progress import Progress, no_progress
from .chunks import SentenceChunks, sentence_chunks, token_counts
from .cleaning import find_junk
from .titles import guess_title
from .dedup import PassageWords, deduplicate
from .gcpause import gc_paused
from .segment import split_pieces
from .spans import JunkSpan, SourceSentence, Unit
from .text_memo import PROCESS_MEMO, CleanText, TextMemo
from .tokens import TokenCounter, get_counter


@dataclass(slots=True)
class Corpus:
    documents: list[Document]
    junk: dict[str, list[JunkSpan]]
    sentences: dict[str, list[SourceSentence]]
    units: list[Unit]
    counter: TokenCounter
    #: Every sentence's normalized words, from dedup; passage k is the k-th sentence of the
    #: documents in order (``passage_index``). None for a corpus built elsewhere.
    words: Optional[PassageWords] = None
    #: Every sentence's whitespace chunks (passages as in ``words``). None for a corpus built elsewhere.
    chunks: Optional[SentenceChunks] = None
    _unit_of: Optional[dict[tuple[str, int], Unit]] = None
    _texts: Optional[Mapping[str, str]] = None
    _first_passage: Optional[dict[str, int]] = None
    _content_passages: Optional[np.ndarray] = None
    _content_sentences: Optional[tuple[SourceSentence, ...]] = None

    @property
    def unit_of(self) -> dict[tuple[str, int], Unit]:
        """The unit of each sentence, by ``(source_id, index)``. Built on first use: chunking and
        stats never need it, and building it is a few percent of ``prepare`` on large inputs."""
        if self._unit_of is None:
            self._unit_of = {(s.source_id, s.index): u for u in self.units for s in u.sentences}
        return self._unit_of

    @property
    def texts(self) -> Mapping[str, str]:
        """Each source's text by id: built once (every stage of a backend reads it, some once per
        source), read-only because it is shared."""
        if self._texts is None:
            self._texts = MappingProxyType({d.id: d.text for d in self.documents})
        return self._texts

    def passage_index(self, s: SourceSentence) -> int:
        """``s``'s position among all sentences of the documents in order (its passage in ``words``)."""
        if self._first_passage is None:
            firsts, n = {}, 0
            for d in self.documents:
                firsts[d.id] = n
                n += len(self.sentences[d.id])
            self._first_passage = firsts
        return self._first_passage[s.source_id] + s.index

    def content_sentences(self) -> tuple[SourceSentence, ...]:
        """Every source's content sentences (not junk), source by source, in order: listed once
        (the conflict scan and attribution both read them)."""
        if self._content_sentences is None:
            self._content_sentences = tuple(s for d in self.documents for s in self.sentences[d.id] if s.junk is None)
        return self._content_sentences

    def content_passages(self) -> np.ndarray:
        """The passages (``passage_index``) of the content sentences (not junk), in order: built
        once, without a call per sentence (several stages read them)."""
        if self._content_passages is None:
            n = sum(len(self.sentences[d.id]) for d in self.documents)
            junk = (s.junk is not None for d in self.documents for s in self.sentences[d.id])
            self._content_passages = np.flatnonzero(~np.fromiter(junk, dtype=bool, count=n))
        return self._content_passages

    def document(self, source_id: str) -> Document:
        for d in self.documents:
            if d.id == source_id:
                return d
        raise KeyError(source_id)

    def stats(self) -> dict[str, int]:
        all_sents = list(chain.from_iterable(self.sentences.values()))
        firsts = [s for s in map(Unit.first_content, self.units) if s is not None]
        return {
            "source_tokens": sum(s.tokens for s in all_sents),
            "deduped_tokens": sum(s.tokens for s in firsts),
            "sentences": len(all_sents),
            "content_sentences": sum(s.junk is None for s in all_sents),
            "units": len(self.units),
            "content_units": len(firsts),
            "junk_spans": sum(len(j) for j in self.junk.values()),
        }


def _mark_junk(spans: list[tuple[int, int]], junk: list[JunkSpan]) -> list[Optional[str]]:
    """Reason for each sentence that overlaps a junk span (both lists sorted by start)."""
    out: list[Optional[str]] = [None] * len(spans)
    j = 0
    for i, (a, b) in enumerate(spans):
        while j < len(junk) and junk[j].end <= a:
            j += 1
        k = j
        while k < len(junk) and junk[k].start < b:
            if junk[k].end > a:
                out[i] = junk[k].reason
                break
            k += 1
    return out


def split_around_junk(text: str, junk: list[JunkSpan]) -> list[tuple[int, int]]:
    """Sentence spans that never straddle a junk line and the content next to it.

    A sentence running across a line break ("Title\ngoogle news") would otherwise carry the
    junk mark onto the content it is glued to, which could then not be cited.
    """
    pieces: list[tuple[int, int]] = []
    pos = 0
    for j in junk:  # sorted, one per line, disjoint
        if j.start > pos:
            pieces.append((pos, j.start))
        pieces.append((j.start, j.end))
        pos = max(pos, j.end)
    if pos < len(text):
        pieces.append((pos, len(text)))
    return split_pieces(text, pieces)


def require_content(corpus: Corpus) -> None:
    """Raise an InputError saying why when cleaning left nothing to summarize: an empty summary
    must not pass for a result."""
    if any(s.junk is None for ss in corpus.sentences.values() for s in ss):
        return
    reasons: dict[str, int] = {}
    for spans in corpus.junk.values():
        for j in spans:
            reasons[j.reason] = reasons.get(j.reason, 0) + 1
    why = ", ".join(f"{r} ({n} line{'s' if n > 1 else ''})" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
    raise InputError(f"nothing to summarize: cleaning took every line for page clutter, not article text "
                     f"({why}); /v1/analysis shows each span and why", field="documents")


class _StageProgress:
    """``prepare`` progress over passes through texts, ``total`` texts in all, reported about 50
    times a pass (a report per text would cost more than some stages' work)."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def advance(self, n: int) -> None:
        """``n`` more texts done by a step that ran over all of them at once."""
        self.done += n
        self.progress("prepare", {"done": self.done, "total": self.total})

    def map(self, fn: Callable, *columns: Sequence) -> list:
        """``[fn(*row) for row in zip(*columns)]``, reporting as it goes."""
        out: list = []
        n = len(columns[0])
        step = max(1, n // 50)
        for k in range(0, n, step):
            out += map(fn, *(c[k : k + step] for c in columns))
            self.done += min(step, n - k)
            self.progress("prepare", {"done": self.done, "total": self.total})
        return out


def check_documents(documents: Sequence[Document]) -> None:
    seen: set[str] = set()
    if not documents:
        raise InputError("no documents given")
    for d in documents:
        where = d.path or d.id
        if not d.id:
            raise InputError(f"{where}: document has an empty id")
        if d.id in seen:
            raise InputError(f"{where}: duplicate document id {d.id!r}")
        seen.add(d.id)
        if not d.text.strip():
            raise InputError(f"{where}: document {d.id!r} is empty or whitespace only")


def prepare(
    documents: Sequence[Document],
    encoding: str = "cl100k_base",
    dedup_threshold: float = 0.7,
    progress: Progress = no_progress,
    memo: TextMemo = PROCESS_MEMO,
) -> Corpus:
    """The documents cleaned, segmented, counted and deduplicated; texts cleaned in an earlier run
    are taken from ``memo``."""
    check_documents(documents)
    counter = get_counter(encoding)
    with gc_paused():  # about five objects per sentence, all kept and cycle-free: see gcpause.py
        return _prepare(documents, counter, dedup_threshold, progress, memo)


def _prepare(documents: Sequence[Document], counter: TokenCounter, dedup_threshold: float,
             progress: Progress, memo: TextMemo) -> Corpus:
    # Cleaning and segmentation are pure functions of the text, so an exact copy of an earlier
    # document (syndicated news, mirrors; in this run or, through the memo, an earlier one) reuses
    # their results; likewise a repeated sentence is split and counted once (``chunks.py``).
    texts = list(dict.fromkeys(d.text for d in documents))
    clean = {text: memo.get(text) for text in texts}
    fresh = [text for text, known in clean.items() if known is None]
    report = _StageProgress(progress, 2 * len(fresh) + len(texts))
    for text, made in zip(fresh, _clean(fresh, report)):
        clean[text] = made
        memo.put(text, made)
    docs: list[Document] = []
    passages: list[str] = []
    for doc in documents:
        c = clean[doc.text]
        passages += c.sentences
        if not doc.title:
            doc = dataclasses.replace(doc, title=c.title)  # keeps every other field (pages)
        docs.append(doc)
    chunks = sentence_chunks(passages)
    counts = iter(token_counts(chunks, counter))
    report.advance(len(texts))
    junk_by: dict[str, list[JunkSpan]] = {}
    sents_by: dict[str, list[SourceSentence]] = {}
    for doc in docs:
        c = clean[doc.text]
        did = doc.id
        sents_by[did] = [SourceSentence(did, i, a, b, n, r)
                         for i, ((a, b), n, r) in enumerate(zip(c.spans, counts, c.marks))]
        junk_by[did] = list(c.junk)
    flat = [s for d in docs for s in sents_by[d.id]]
    units, words = deduplicate(flat, {d.id: d.text for d in docs}, dedup_threshold, passages, chunks)
    progress("dedup", {"units": len(units), "sentences": len(flat)})
    return Corpus(docs, junk_by, sents_by, units, counter, words, chunks)


def _clean(texts: list[str], report: _StageProgress) -> list[CleanText]:
    """Each text cleaned and segmented. Each stage runs over all texts before the next starts: the
    regexes, tables and memos of one stage stay in the CPU caches, which makes the whole ~20%
    faster than running every stage per text."""
    junks = report.map(find_junk, texts)
    spans = report.map(split_around_junk, texts, junks)
    # Sentence strings are cut once, for the chunk table and dedup (which then finds their
    # hashes already computed).
    sentences = [tuple(text[a:b] for a, b in sp) for text, sp in zip(texts, spans)]
    return [CleanText(tuple(junk), guess_title(text, junk), tuple(sp), ss, tuple(_mark_junk(sp, junk)))
            for text, junk, sp, ss in zip(texts, junks, spans, sentences)]
