"""Multi-document summarization with verified span citations."""

from .config.options import SummaryOptions
from .contract.documents import Document
from .contract.result import SummaryResult
from .pipeline import summarize

__all__ = ["Document", "SummaryOptions", "SummaryResult", "summarize"]
__version__ = "0.1.0"
