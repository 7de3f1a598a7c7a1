"""``import summarizer`` is the curated public API (like httpx's test_exported_members)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import summarizer

EXPECTED = {
    "Citation", "Document", "PerSourceSummary", "Sentence", "Settings", "SourceInfo", "Stats",
    "SummarizerError", "SummaryOptions", "SummaryResult", "check_result", "jsonable", "load_documents",
    "summarize", "summarize_sync", "cite", "acite", "CiteOptions", "CitationReport",
}


def test_exported_members():
    assert set(summarizer.__all__) >= EXPECTED
    for name in summarizer.__all__:
        member = getattr(summarizer, name)
        assert member.__module__.startswith("summarizer."), name
        assert not name.startswith("_")
    # Nothing public is left out of __all__ by accident.
    public = {n for n, v in vars(summarizer).items()
              if not n.startswith("_") and getattr(v, "__module__", "").startswith("summarizer.")}
    assert public <= set(summarizer.__all__)


def test_import_summarizer_in_a_fresh_interpreter():
    code = "import summarizer; print(sorted(summarizer.__all__)); print(summarizer.__version__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "summarize" in out.stdout and "Document" in out.stdout


def test_import_summarizer_is_light():
    """The public names load on first use: importing the package (as the CLI does) loads no
    pipeline; the first use of a name loads its module."""
    code = ("import sys, summarizer; heavy = ('numpy', 'pydantic', 'summarizer.pipeline'); "
            "print(any(m in sys.modules for m in heavy)); summarizer.summarize_sync; "
            "print('summarizer.pipeline' in sys.modules, 'summarize_sync' in vars(summarizer))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_unknown_public_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        summarizer.nope  # noqa: B018
    assert "summarize_sync" in dir(summarizer)
