"""Multi-document summarization with verified span citations.

    from summarizer import Document, SummaryOptions, load_documents, summarize_sync

    result = summarize_sync(load_documents(["reports/"]), SummaryOptions(backend="extractive"))

``summarize`` is the same as a coroutine; ``Settings`` holds the endpoint and other process-wide
settings (read from ``SUMMARIZER_*`` variables, ``.env`` and the user config file by default).
"""

from .config.options import SummaryOptions
from .config.settings import Settings
from .contract.documents import Document
from .contract.result import Citation, Sentence, SummaryResult
from .errors import SummarizerError
from .io.ingest import load_documents
from .pipeline import summarize, summarize_sync

__all__ = [
    "Citation", "Document", "Sentence", "Settings", "SummarizerError", "SummaryOptions", "SummaryResult",
    "load_documents", "summarize", "summarize_sync",
]
__version__ = "0.1.0"
