"""Multi-document summarization with verified span citations.

The public API (everything else is internal and may move)::

    from summarizer import Document, SummaryOptions, load_documents, summarize_sync

    result = summarize_sync(load_documents(["reports/"]), SummaryOptions(backend="extractive"))
    for sentence in result.consolidated:
        print(sentence.text, [(c.source_id, c.start, c.end) for c in sentence.citations])

``summarize`` is the same as a coroutine; ``Settings`` holds the endpoint and other process-wide
settings (read from ``SUMMARIZER_*`` variables, ``.env`` and the user config file by default).
"""

from .citing import CitationReport, CiteOptions, acite, cite
from .config.options import SummaryOptions
from .config.settings import Settings
from .contract.documents import Document
from .contract.result import Citation, PerSourceSummary, Sentence, SourceInfo, Stats, SummaryResult, jsonable
from .errors import SummarizerError
from .evidence.citations import check_result
from .io.ingest import load_documents
from .pipeline import summarize, summarize_sync

__all__ = [
    "Citation",
    "Document",
    "PerSourceSummary",
    "Sentence",
    "Settings",
    "SourceInfo",
    "Stats",
    "SummarizerError",
    "SummaryOptions",
    "SummaryResult",
    "check_result",
    "CitationReport",
    "CiteOptions",
    "acite",
    "cite",
    "jsonable",
    "load_documents",
    "summarize",
    "summarize_sync",
]
__version__ = "0.1.0"
