"""Assembling result contract v1 from a backend's draft: every citation checked (``enforce``),
every source supporting a consolidated sentence cited (``attribution``: ``stats.corroborating_sources``
holds, per consolidated sentence, how many independent sources support it), sources described
(sha256, length), and the run's statistics merged."""

from __future__ import annotations

from .. import backends
from ..evidence.attribution import attribute_sentences
from ..evidence.citations import enforce, sha256_text
from ..evidence.sources import attribution_setup
from ..prepare.corpus import Corpus
from .documents import Document
from .result import PerSourceSummary, Sentence, SourceInfo, Stats, SummaryResult


def _add_pages(sentences: list[Sentence], paged: dict[str, Document]) -> None:
    """Give citations into paged sources (PDFs) the page their span starts on."""
    for sentence in sentences:
        for i, c in enumerate(sentence.citations):
            if c.source_id in paged:
                sentence.citations[i] = c.model_copy(update={"page": paged[c.source_id].page_at(c.start)})


def assemble(corpus: Corpus, draft: backends.Draft, backend_name: str, seconds: float) -> SummaryResult:
    texts = corpus.texts
    counts: dict[str, int] = {"dropped_citations": 0, "dropped_sentences": 0}
    per_source = [
        PerSourceSummary(source_id=d.id, summary=enforce(draft.per_source.get(d.id, []), texts, counts))
        for d in corpus.documents
    ]
    consolidated = enforce(draft.consolidated, texts, counts)
    # Every source that supports a consolidated sentence is cited; stats say how many agree.
    grounder, maybe = attribution_setup(corpus, [s.text for s in consolidated])
    consolidated, corroboration, added = attribute_sentences(grounder, consolidated, maybe)
    conflicts = enforce(draft.conflicts, texts, counts)
    paged = {d.id: d for d in corpus.documents if d.page_starts}
    if paged:
        for ps in per_source:
            _add_pages(ps.summary, paged)
        _add_pages(consolidated, paged)
        _add_pages(conflicts, paged)
    extra = dict(draft.stats)
    extra["corroborating_sources"] = corroboration
    extra["attributed_citations"] = extra.get("attributed_citations", 0) + added
    # Backends may already count what their own checks dropped; add ours on top.
    for key, n in counts.items():
        extra[key] = extra.get(key, 0) + n
    cstats = corpus.stats()
    stats = Stats(
        backend=backend_name,
        **{k: v for k, v in extra.items() if k not in {"backend", "seconds", "source_tokens", "deduped_tokens"}},
        source_tokens=cstats["source_tokens"],
        deduped_tokens=cstats["deduped_tokens"],
        seconds=round(seconds, 3),
        units_before_dedup=cstats["content_sentences"],
        units_after_dedup=cstats["content_units"],
        junk_spans=cstats["junk_spans"],
    )
    sources = [
        SourceInfo(id=d.id, title=d.title, path=d.path, sha256=sha256_text(d.text), chars=len(d.text))
        for d in corpus.documents
    ]
    return SummaryResult(sources=sources, per_source=per_source, consolidated=consolidated, conflicts=conflicts, stats=stats)
