"""A prepared corpus (or plain source texts) as grounding candidates. Pure.

Candidates are the content sentences (what cleaning kept); the page-date lines cleaning marked as
junk are not candidates but are handed to the engine as date lines, so a year or weekday that
only a dateline states can still be confirmed (never cited).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..prepare.cleaning import find_junk
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence
from .grounding import LOWEST_COVERAGE, Grounder, Passage
from .vocabulary import Vocabulary

READ_WHOLE = 500  # passages: up to this many, attribution's vocabulary reads every passage


def passage_of(s: SourceSentence, text: str) -> Passage:
    """Sentence ``s`` (whose text is ``text``) as a passage the grounding engine weighs."""
    return Passage(text, s.source_id, s.start, (s.source_id, s.index))


def corpus_passages(corpus: Corpus) -> list[Passage]:
    texts = corpus.texts
    return [passage_of(s, texts[s.source_id][s.start : s.end]) for s in corpus.content_sentences()]


def corpus_dates(corpus: Corpus) -> dict[str, list[str]]:
    return {d.id: [d.text[j.start : j.end] for j in corpus.junk[d.id] if j.reason == "page_date"]
            for d in corpus.documents}


def corpus_grounder(corpus: Corpus) -> Grounder:
    return Grounder(corpus_passages(corpus), corpus_dates(corpus))


def attribution_setup(corpus: Corpus, claims: Sequence[str]) -> tuple[Grounder, list[set[str]]]:
    """A grounder for attributing ``claims``, and per claim the sources with a passage that
    might support it alone (the grounder's ``sources_that_may_support``, found on the way).

    The grounder is over the passages that might support one of the claims alone and their
    neighbours in their source (a neighbour may lend a figure), weighing words and
    reading names as ``corpus_grounder`` does (the whole corpus' ``Vocabulary`` as far as the
    claims' words go: reading every passage's words was most of attributing on a large corpus).
    Analysing every passage of a large corpus, most of which cannot support a few summary
    sentences, took most of a large run."""
    # corpus_passages' sentences; a Passage is made only for the few passages kept.
    content = corpus.content_sentences()
    source = corpus.texts
    # The three give the same answers about the claims; a few passages are read whole faster (and
    # a server reads repeated sources from word_profile's cache), many only as far as the claims
    # go, from the chunks prepare split them into when it has them.
    if len(content) > READ_WHOLE and corpus.chunks is not None:
        rows = corpus.chunks.row[corpus.content_passages()]
        vocab = Vocabulary.for_claims_in(corpus.chunks, rows, claims)
    else:
        texts = [source[s.source_id][s.start : s.end] for s in content]
        vocab = Vocabulary.of_claims(texts, claims) if len(texts) <= READ_WHOLE else Vocabulary.for_claims(texts, claims)
    hits_of = [vocab.may_support(claim, LOWEST_COVERAGE) for claim in claims]
    hits = set().union(*hits_of)
    # Each source's passages are listed in order: a neighbour is the one before or after.
    keep = sorted({j for i in hits for j in (i - 1, i, i + 1)
                   if 0 <= j < len(content) and content[j].source_id == content[i].source_id})
    wanted = {content[i].source_id for i in hits}
    dates = {sid: lines for sid, lines in corpus_dates(corpus).items() if sid in wanted}
    # The vocabulary's index, renumbered to the passages kept: all a grounder for the claims needs.
    at = {i: k for k, i in enumerate(keep)}
    index = {s: [at[i] for i in ids if i in at] for s, ids in vocab.index.items()}
    grounder = Grounder([passage_of(content[i], source[content[i].source_id][content[i].start : content[i].end])
                         for i in keep], dates, rarity=vocab,
                        index={s: ids for s, ids in index.items() if ids})
    # The grounder's index is the vocabulary's renumbered, its weights the vocabulary's: the
    # passages that may support a claim are the same ones.
    return grounder, [{content[i].source_id for i in found} for found in hits_of]


def text_dates(texts: Mapping[str, str]) -> dict[str, list[str]]:
    """Page-date lines of raw source texts (for callers that hold texts, not a corpus)."""
    return {sid: [t[j.start : j.end] for j in find_junk(t) if j.reason == "page_date"] for sid, t in texts.items()}


def span_passages(spans: Sequence[tuple[str, int, int]], texts: Mapping[str, str]) -> list[Passage]:
    return [Passage(texts[sid][a:b], sid, a) for sid, a, b in spans]
