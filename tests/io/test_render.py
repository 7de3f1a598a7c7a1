"""Markdown and plain-text rendering of results."""

from __future__ import annotations

from summarizer.contract.result import (Citation, PerSourceSummary, Sentence, SourceInfo, Stats,
                                        SummaryResult)
from summarizer.io.render import to_markdown
from summarizer.io.render_text import to_text

TEXT_A = "The harbor wall will be rebuilt from May this year."
TEXT_B = "Work on the harbor wall starts in June,\nthe council said."


def result(model=None, calls=0, prompt=0, completion=0) -> SummaryResult:
    ca = Citation(source_id="000_x", start=0, end=len(TEXT_A), text=TEXT_A)
    cb = Citation(source_id="b", start=0, end=len(TEXT_B), text=TEXT_B, page=3)
    return SummaryResult(
        sources=[SourceInfo(id="000_x", title="", path="/data/000_x.txt", sha256="0", chars=len(TEXT_A)),
                 SourceInfo(id="b", title="Council news", path="/data/b.pdf", sha256="0", chars=len(TEXT_B))],
        per_source=[PerSourceSummary(source_id="000_x", summary=[Sentence(text=TEXT_A, citations=[ca])]),
                    PerSourceSummary(source_id="b", summary=[Sentence(text=TEXT_B, citations=[cb])])],
        consolidated=[Sentence(text=TEXT_A, citations=[ca]), Sentence(text=TEXT_B, citations=[cb, cb])],
        conflicts=[Sentence(text="May or June?", citations=[ca, cb])],
        stats=Stats(backend="openai" if model else "extractive", model=model, llm_calls=calls,
                    prompt_tokens=prompt, completion_tokens=completion, seconds=1.25),
    )


def test_markdown_footer_has_no_model_none_and_has_tokens():
    md = to_markdown(result())
    assert "None" not in md
    assert "backend `extractive`, 0 LLM calls, 0 prompt + 0 completion tokens," in md
    md = to_markdown(result("llama3.2", 7, 5042, 525))
    assert "backend `openai`, model `llama3.2`, 7 LLM calls, 5042 prompt + 525 completion tokens," in md


def test_markdown_headings_use_titles_and_never_repeat_an_id():
    md = to_markdown(result())
    assert "### `000_x`\n" in md and "000_x (`000_x`)" not in md
    assert "### Council news (`b`)\n" in md
    assert "`b` p. 3 [0:" in md


def test_text_numbers_sources_and_marks_pages():
    text = to_text(result(), width=80)
    assert text.splitlines()[:3] == [
        "Summary",
        "  - The harbor wall will be rebuilt from May this year. [1]",
        "  - Work on the harbor wall starts in June, the council said. [2, p. 3]",  # newline folded, one marker
    ]
    assert "Conflicts\n  - May or June? [1][2, p. 3]\n" in text
    assert "Per source\n  [1] 000_x\n    - The harbor" in text and "\n  [2] Council news (b)\n" in text
    assert text.endswith("Sources\n  [1] 000_x.txt\n  [2] Council news (b.pdf)\n")


def test_text_wraps_to_the_width():
    long = result()
    long.consolidated[0].text = "word " * 60
    for line in to_text(long, width=50).splitlines():
        assert len(line) <= 50
