"""Multi-document summarization with verified span citations."""

from .models import Document, SummaryResult
from .options import SummaryOptions
from .pipeline import summarize

__all__ = ["Document", "SummaryOptions", "SummaryResult", "summarize"]
__version__ = "0.1.0"
