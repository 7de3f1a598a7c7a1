"""Registers the backends that ship with the package besides the LLM ones.

``openai`` and ``local`` need no entry here: they are the built-in chat providers
(``chat/registry``), and every provider name is an LLM backend (``backends/base``).
"""

from __future__ import annotations

from .base import register
from .extractive import ExtractiveBackend

register("extractive", lambda settings, options: ExtractiveBackend())
