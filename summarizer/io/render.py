"""Markdown rendering of a result (or a ``cite`` report): sentences with footnote citations quoting the span."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..contract.result import Sentence, SummaryResult

if TYPE_CHECKING:
    from ..citing import CitationReport

_MARK = {"supported": "✓", "unsupported": "?", "contradicted": "✗"}


def _quote(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("[", "\\[").replace("]", "\\]")


def _footer(result: SummaryResult) -> str:
    st = result.stats
    model = f", model `{st.model}`" if st.model else ""
    llm = f", {st.llm_calls} LLM calls, {st.prompt_tokens} prompt + {st.completion_tokens} completion tokens"
    return (f"backend `{st.backend}`{model}{llm}, "
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
                notes.append(f"[^{index[key]}]: `{c.source_id}`{page} [{c.start}:{c.end}] “{_quote(c.text)}”")
            marks.append(f"[^{index[key]}]")
        return f"{sentence.text}{''.join(marks)}"

    titles = {s.id: s.title for s in result.sources}
    out = ["# Summary", ""]
    out += [f"- {render(s)}" for s in result.consolidated] or ["_No consolidated summary._"]
    out += ["", "## Conflicts", ""]
    out += [f"- {render(s)}" for s in result.conflicts] or ["_No conflicts found._"]
    out += ["", "## Per source", ""]
    for ps in result.per_source:
        title = titles.get(ps.source_id)
        out += [f"### {title} (`{ps.source_id}`)" if title else f"### `{ps.source_id}`", ""]
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
            notes.append(f"[^{len(notes) + 1}]: {c.source_id} [{c.start}:{c.end}] “{_quote(c.text)}”")
            marks += f"[^{len(notes)}]"
        why = "" if s.status == "supported" else f" *({s.status}: {s.reason}{', ' + s.detail if s.detail else ''})*"
        lines.append(f"- {_MARK[s.status]} {s.text}{marks}{why}")
    return "\n".join(lines + [""] + notes) + "\n"
