# PYTHON_ARGCOMPLETE_OK
"""The ``summarizer`` command line: ``main`` (in ``main.py``) and one module per command."""

from .main import main

__all__ = ["main"]
