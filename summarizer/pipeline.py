"""The one summarization pipeline, shared by the CLI, the REST API and the eval harness.

prepare (pure; in a worker thread unless the input is small, see ``cpu.py``) -> backend.summarize (async, LLM calls) -> enforce citations and
assemble result contract v1 (``contract/assemble.py``). Nothing here knows about files, HTTP or databases.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable, Optional, Sequence, TypeVar

from . import backends
from .config.options import SummaryOptions
from .config.run_config import resolve
from .config.settings import Settings
from .contract.assemble import assemble
from .contract.documents import Document, check_documents_unicode
from .contract.result import SummaryResult
from .cpu import run_cpu_bound
from .errors import ConfigError
from .prepare.corpus import Corpus, prepare, require_content
from .prepare.gcpause import gc_paused
from .prepare.tokens import load_encoding
from .progress import Progress, no_progress

log = logging.getLogger(__name__)
T = TypeVar("T")


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
    check_documents_unicode(documents)  # the Python API's callers; files and requests are checked on loading
    progress("start", {"documents": len(documents)})
    own = backend is None
    if backend is None:
        backend = backends.create(resolve(settings, options).backend, settings, options)
    try:
        corpus = await while_opening(backend, lambda: prepare_corpus(documents, options, progress))
        draft = await backend.summarize(corpus, options, progress)
    finally:
        if own:
            await backend.aclose()
    with gc_paused():  # a large result, all of it kept: see prepare/gcpause.py
        result = assemble(corpus, draft, backend.name, time.perf_counter() - started)
    progress("done", {"seconds": result.stats.seconds})
    return result


async def while_opening(backend: backends.Backend, work: Callable[[], Awaitable[T]]) -> T:
    """``await work()`` while the backend opens (the bundled model's server takes seconds to start).
    An error of ``work`` wins and cancels the opening; an error opening is raised after ``work``.
    A backend with nothing to open costs nothing here: ``work`` runs without yielding first."""
    if not backend.needs_opening():
        return await work()
    opening = asyncio.ensure_future(backend.open())
    await asyncio.sleep(0)  # let it start before work that runs inline holds the loop
    try:
        done = await work()
    except BaseException:
        opening.cancel()
        await asyncio.wait({opening})
        if not opening.cancelled() and opening.exception() is not None:
            log.info("opening backend %s failed too: %s", backend.name, opening.exception())
        raise
    await opening
    return done


async def prepare_corpus(documents: Sequence[Document], options: SummaryOptions, progress: Progress) -> Corpus:
    chars = sum(len(d.text) for d in documents)
    corpus = await run_cpu_bound(chars, prepare, documents, options.encoding, options.dedup_threshold, progress)
    require_content(corpus)  # a clear 422, not a summary without sentences
    return corpus


def check_options(options: SummaryOptions) -> None:
    """What can fail about ``options`` before any work, checked now: a job is refused (422) rather
    than accepted and failed later, a CLI run stops before reading its files. Pydantic has checked
    ranges already; here the tokenizer encoding must load, offline."""
    load_encoding(options.encoding)


def summarize_sync(
    documents: Sequence[Document],
    options: Optional[SummaryOptions] = None,
    settings: Optional[Settings] = None,
    progress: Progress = no_progress,
    backend: Optional[backends.Backend] = None,
) -> SummaryResult:
    """``summarize`` for code without an event loop (scripts, notebooks' plain cells, Flask...).

    Runs the pipeline in its own event loop; inside a running loop, ``await summarize(...)``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(summarize(documents, options, settings, progress, backend))
    raise ConfigError("summarize_sync() was called inside a running event loop; "
                      "use `await summarize(...)` there")
