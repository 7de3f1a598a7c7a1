"""Multi-document summarization with verified span citations."""

from .citing import CitationReport, CiteOptions, acite, cite
from .config.options import SummaryOptions
from .contract.documents import Document
from .contract.result import SummaryResult
from .pipeline import summarize

__all__ = ["CitationReport", "CiteOptions", "Document", "SummaryOptions", "SummaryResult", "acite", "cite", "summarize"]
__version__ = "0.1.0"
