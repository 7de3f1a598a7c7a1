"""Markdown rendering of a result (or a ``cite`` report): sentences with footnote citations quoting the span.

Everything that comes from a request (sentences, quotes, ids, titles, model names) is escaped, so
a document can neither inject HTML (``<script>``, ``<img onerror>``), links (``javascript:``) nor
structure (an id with a newline and ``#`` posing as a heading) into a page that renders the
Markdown: ids go in code spans with a fence longer than any backtick run inside, the rest gets
backslash escapes, and every line break inside a value becomes a space.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..contract.result import Sentence, SummaryResult

if TYPE_CHECKING:
    from ..citing import CitationReport

_MARK = {"supported": "✓", "unsupported": "?", "contradicted": "✗"}


#: Markdown punctuation that can make text something else: raw HTML and autolinks (< > &), links,
#: images and footnote marks ([ ]), code spans, emphasis, tables, strikethrough, and the backslash.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")


def _line(text: str) -> str:
    """One line: every line break (\\n, \\r, U+2028/2029, ...) folded into a space, so text
    from a document can never start a heading, a list or a quote of its own."""
    return " ".join(text.split())


#: What starts a block when it begins a list item or a heading's text: a heading, a quote, a
#: list, a setext underline or a thematic break.
_BLOCK_START = re.compile(r"^([#>+=-])|^(\d+)([.)])")


def _escape(text: str) -> str:
    """Text from documents, ids, titles and models, shown as text: no HTML, link or markup."""
    text = _SPECIAL.sub(r"\\\1", _line(text))
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def _code(text: str) -> str:
    """A code span that holds any text: a fence longer than any run of backticks inside it."""
    text = _line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _quote(text: str, limit: int = 300) -> str:
    text = _line(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _escape(text)


def _footer(result: SummaryResult) -> str:
    st = result.stats
    model = f", model {_code(st.model)}" if st.model else ""
    llm = f", {st.llm_calls} LLM calls, {st.prompt_tokens} prompt + {st.completion_tokens} completion tokens"
    return (f"backend {_code(st.backend)}{model}{llm}, "
            f"{st.source_tokens} source tokens → {st.deduped_tokens} after dedup, {st.seconds:.1f} s")


def to_markdown(result: SummaryResult) -> str:
    notes: list[str] = []
    index: dict[tuple[str, int, int], int] = {}

    def render(sentence: Sentence) -> str:
        marks = []
        for c in sentence.citations:
            key = (c.source_id, c.start, c.end)
            if key not in index:
                index[key] = len(index) + 1
                page = f" p. {c.page}" if c.page else ""
                notes.append(f"[^{index[key]}]: {_code(c.source_id)}{page} [{c.start}:{c.end}] “{_quote(c.text)}”")
            marks.append(f"[^{index[key]}]")
        return f"{_escape(sentence.text)}{''.join(marks)}"

    titles = {s.id: s.title for s in result.sources}
    out = ["# Summary", ""]
    out += [f"- {render(s)}" for s in result.consolidated] or ["_No consolidated summary._"]
    out += ["", "## Conflicts", ""]
    out += [f"- {render(s)}" for s in result.conflicts] or ["_No conflicts found._"]
    out += ["", "## Per source", ""]
    for ps in result.per_source:
        title = titles.get(ps.source_id)
        out += [f"### {_escape(title)} ({_code(ps.source_id)})" if title else f"### {_code(ps.source_id)}", ""]
        out += [f"- {render(s)}" for s in ps.summary] or ["_No summary._"]
        out.append("")
    out += ["---", _footer(result), ""]
    out += notes
    return "\n".join(out) + "\n"


def citations_markdown(report: "CitationReport") -> str:
    """A ``cite`` report: each sentence marked supported / unsupported / contradicted, with footnotes."""
    lines = ["# Citations", "",
             f"{report.supported} supported, {report.unsupported} unsupported, {report.contradicted} contradicted.", ""]
    notes: list[str] = []
    for s in report.sentences:
        marks = ""
        for c in s.citations:
            notes.append(f"[^{len(notes) + 1}]: {_code(c.source_id)} [{c.start}:{c.end}] “{_quote(c.text)}”")
            marks += f"[^{len(notes)}]"
        detail = f"{s.reason}{', ' + s.detail if s.detail else ''}"
        why = "" if s.status == "supported" else f" *({s.status}: {_escape(detail)})*"
        lines.append(f"- {_MARK[s.status]} {_escape(s.text)}{marks}{why}")
    return "\n".join(lines + [""] + notes) + "\n"
