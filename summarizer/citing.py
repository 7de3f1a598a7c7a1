"""``cite``: attach verified citations to a summary written elsewhere (by any LLM or a person).

Each sentence of the summary is checked by the grounding engine against every content sentence of
the documents; it comes back with a status (supported, unsupported, contradicted), the exact spans
that support it (or contradict it) as contract ``Citation`` objects, and a short reason code. The
optional LLM judge (``CiteOptions.judge``) rules on the engine's evidence instead of the engine.

    from summarizer import Document, cite
    report = cite("Kharkiv was retaken. Russia won.", [Document("a", text)])
    report.sentences[0].status, report.sentences[0].citations
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field

from .config.settings import Settings
from .contract.documents import Document
from .contract.result import Citation
from .errors import ConfigError, InputError
from .evidence.attribution import attribute
from .evidence.grounding import Grounder, Verdict
from .evidence.sources import corpus_grounder
from .prepare.corpus import prepare
from .prepare.segment import split_sentences

Status = Literal["supported", "unsupported", "contradicted"]


class CiteOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    judge: bool = Field(False, description="let the LLM at the configured endpoint rule on the evidence")
    model: Optional[str] = Field(None, description="model for the judge (default: the configured one)")


class CitedSentence(BaseModel):
    text: str
    status: Status
    citations: list[Citation]
    reason: str = Field(description="short code: entailed, verbatim, low_coverage, number_missing, negation, ...")
    detail: str = Field("", description="the word, name or figure the reason is about")
    corroborating_sources: int = Field(0, description="independent sources that support it (copies count once)")


class CitationReport(BaseModel):
    sentences: list[CitedSentence]
    supported: int
    unsupported: int
    contradicted: int

    @property
    def all_supported(self) -> bool:
        return self.supported == len(self.sentences)


def split_summary(summary: Union[str, Sequence[str]]) -> list[str]:
    """The summary's sentences: a string is segmented, a list is taken as given (blank items dropped)."""
    if isinstance(summary, str):
        parts = [summary[a:b] for a, b in split_sentences(summary)]
    else:
        parts = [str(s) for s in summary]
    out = [" ".join(p.split()) for p in parts if p and p.strip()]
    if not out:
        raise InputError("the summary has no sentences")
    return out


def _citations(grounder: Grounder, verdict: Verdict) -> list[Citation]:
    if verdict.status == "unsupported":
        return []
    out = []
    for i in verdict.passages:
        p = grounder.passages[i]
        out.append(Citation(source_id=p.source_id, start=p.start, end=p.end, text=p.text))
    return sorted(out, key=lambda c: (c.source_id, c.start))


def _sentence(grounder: Grounder, text: str, verdict: Verdict) -> CitedSentence:
    citations = _citations(grounder, verdict)
    sources = 0
    if verdict.supported:  # every other source that supports it is cited too
        found = attribute(grounder, text, citations)
        citations, sources = found.citations, found.independent
    return CitedSentence(text=text, status=verdict.status, citations=citations,  # type: ignore[arg-type]
                         reason=verdict.reason, detail=verdict.detail, corroborating_sources=sources)


def _report(sentences: list[CitedSentence]) -> CitationReport:
    count = {s: sum(1 for x in sentences if x.status == s) for s in ("supported", "unsupported", "contradicted")}
    return CitationReport(sentences=sentences, **count)


def _check(summary: Union[str, Sequence[str]], documents: Sequence[Document]) -> tuple[Grounder, list[tuple[str, Verdict]]]:
    texts = split_summary(summary)
    grounder = corpus_grounder(prepare(list(documents)))
    return grounder, [(t, grounder.check(t)) for t in texts]


def cite(summary: Union[str, Sequence[str]], documents: Sequence[Document], options: Optional[CiteOptions] = None,
         settings: Optional[Settings] = None) -> CitationReport:
    """Check every sentence of ``summary`` against ``documents`` (synchronous)."""
    options = options or CiteOptions()
    if not options.judge:
        grounder, verdicts = _check(summary, documents)
        return _report([_sentence(grounder, t, v) for t, v in verdicts])
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(acite(summary, documents, options, settings))
    raise ConfigError("cite() with the LLM judge cannot run inside an event loop; await acite() instead")


async def acite(summary: Union[str, Sequence[str]], documents: Sequence[Document], options: Optional[CiteOptions] = None,
                settings: Optional[Settings] = None) -> CitationReport:
    """``cite`` for async code: the engine runs in a worker thread, judge calls concurrently."""
    options = options or CiteOptions()
    grounder, verdicts = await asyncio.to_thread(_check, summary, documents)
    sentences = [_sentence(grounder, t, v) for t, v in verdicts]
    if options.judge:
        sentences = await _judged(grounder, verdicts, sentences, options, settings or Settings())
    return _report(sentences)


async def _judged(grounder: Grounder, verdicts: list[tuple[str, Verdict]], sentences: list[CitedSentence],
                  options: CiteOptions, settings: Settings) -> list[CitedSentence]:
    from .chat.providers import chat_model_for
    from .llm_judge import llm_judge

    from .config.options import SummaryOptions

    # The judge runs on the configured endpoint, with this call's model if one was asked for.
    async with chat_model_for("openai", settings, SummaryOptions(model=options.model)) as model:
        async def one(k: int) -> CitedSentence:
            text, verdict = verdicts[k]
            if not verdict.passages:
                return sentences[k]  # nothing in the sources is even about it
            reply = await llm_judge(model, text, [grounder.passages[i].text for i in verdict.passages],
                                    settings.temperature)
            ruled = Verdict(reply.verdict, "llm_judge", verdict.passages, verdict.coverage, reply.reason[:200])
            return _sentence(grounder, text, ruled)

        return list(await asyncio.gather(*(one(k) for k in range(len(verdicts)))))


def jsonable(report: CitationReport) -> dict[str, Any]:
    return report.model_dump(mode="json")
