"""Configuration: process-wide ``Settings`` (operator) and per-run ``SummaryOptions`` (caller)."""

from .options import SummaryOptions
from .settings import Settings

__all__ = ["Settings", "SummaryOptions"]
