"""The one summarization pipeline, shared by the CLI, the REST API and the eval harness.

prepare (pure, in a worker thread) -> backend.summarize (async, LLM calls) -> enforce citations ->
result contract v1. Nothing here knows about files, HTTP or databases.
"""

from __future__ import annotations

import asyncio
import time
from typing import Optional, Sequence

from . import backends
from .config.options import SummaryOptions
from .config.settings import Settings
from .contract.documents import Document
from .contract.result import PerSourceSummary, SourceInfo, Stats, SummaryResult
from .evidence.citations import enforce, sha256_text
from .prepare.corpus import Corpus, prepare
from .progress import Progress, no_progress


def assemble(corpus: Corpus, draft: backends.Draft, backend_name: str, seconds: float) -> SummaryResult:
    texts = corpus.texts
    counts: dict[str, int] = {"dropped_citations": 0, "dropped_sentences": 0}
    per_source = [
        PerSourceSummary(source_id=d.id, summary=enforce(draft.per_source.get(d.id, []), texts, counts))
        for d in corpus.documents
    ]
    consolidated = enforce(draft.consolidated, texts, counts)
    conflicts = enforce(draft.conflicts, texts, counts)
    extra = dict(draft.stats)
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


async def summarize(
    documents: Sequence[Document],
    options: Optional[SummaryOptions] = None,
    settings: Optional[Settings] = None,
    progress: Progress = no_progress,
    backend: Optional[backends.Backend] = None,
) -> SummaryResult:
    """Summarize ``documents``. Pass ``backend`` to reuse one (its LLM client and cache) across runs."""
    options = options or SummaryOptions()
    settings = settings or Settings()
    started = time.perf_counter()
    progress("start", {"documents": len(documents)})
    corpus = await asyncio.to_thread(
        prepare, documents, options.encoding, options.dedup_threshold, progress
    )
    own = backend is None
    if backend is None:
        backend = backends.create(options.backend or settings.default_backend(), settings, options)
    try:
        draft = await backend.summarize(corpus, options, progress)
    finally:
        if own:
            await backend.aclose()
    result = assemble(corpus, draft, backend.name, time.perf_counter() - started)
    progress("done", {"seconds": result.stats.seconds})
    return result
