"""Multi-document summarization with verified span citations.

The public API (everything else is internal and may move)::

    from summarizer import Document, SummaryOptions, load_documents, summarize_sync

    result = summarize_sync(load_documents(["reports/"]), SummaryOptions(backend="extractive"))
    for sentence in result.consolidated:
        print(sentence.text, [(c.source_id, c.start, c.end) for c in sentence.citations])

``summarize`` is the same as a coroutine; ``Settings`` holds the endpoint and other process-wide
settings (read from ``SUMMARIZER_*`` variables, ``.env`` and the user config file by default).
"""

from typing import TYPE_CHECKING, Any

# The public names and the modules they live in, imported on first use (PEP 562): the command
# line imports ``summarizer.cli`` through this package, and a command that needs little
# (``summarizer runs``, ``summarizer cache``) must not pay for importing the whole pipeline, the
# citing API and the evidence checks first (~0.4 s).
_EXPORTS = {
    "CitationReport": "citing", "CiteOptions": "citing", "acite": "citing", "cite": "citing",
    "SummaryOptions": "config.options", "Settings": "config.settings", "Document": "contract.documents",
    "Citation": "contract.result", "PerSourceSummary": "contract.result", "Sentence": "contract.result",
    "SourceInfo": "contract.result", "Stats": "contract.result", "SummaryResult": "contract.result",
    "jsonable": "contract.result", "SummarizerError": "errors", "check_result": "evidence.citations",
    "load_documents": "io.ingest", "summarize": "pipeline", "summarize_sync": "pipeline",
}

if TYPE_CHECKING:  # what type checkers and IDEs see
    from .citing import CitationReport, CiteOptions, acite, cite
    from .config.options import SummaryOptions
    from .config.settings import Settings
    from .contract.documents import Document
    from .contract.result import Citation, PerSourceSummary, Sentence, SourceInfo, Stats, SummaryResult, jsonable
    from .errors import SummarizerError
    from .evidence.citations import check_result
    from .io.ingest import load_documents
    from .pipeline import summarize, summarize_sync


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = list(_EXPORTS)
__version__ = "0.1.0"
