"""Multi-document summarization with verified span citations.

The public API (everything else is internal and may move)::

    import asyncio
    from summarizer import Document, SummaryOptions, summarize

    docs = [Document("a", "First article ..."), Document("b", "Second article ...")]
    result = asyncio.run(summarize(docs, SummaryOptions(backend="extractive")))
    for sentence in result.consolidated:
        print(sentence.text, [(c.source_id, c.start, c.end) for c in sentence.citations])
"""

from .config.options import SummaryOptions
from .config.settings import Settings
from .contract.documents import Document
from .contract.result import Citation, PerSourceSummary, Sentence, SourceInfo, Stats, SummaryResult, jsonable
from .errors import SummarizerError
from .evidence.citations import check_result
from .io.ingest import load_documents
from .pipeline import summarize

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
    "jsonable",
    "load_documents",
    "summarize",
]
__version__ = "0.1.0"
