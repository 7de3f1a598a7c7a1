"""Lexical conflict finding: places where sources state different numbers or dates.

Used by the extractive backend, and by LLM backends as candidates to confirm. Two signals:

* similar sentences from different sources (shared rare content words) whose numbers differ,
  such as a count, a date or a distance reported two ways;
* page-date lines that disagree with each other or with the years the sources' text mentions.

Candidate pairs come from an inverted index over content words with a document-frequency cap,
so the cost stays near-linear. Conflict sentences quote both sides and cite both spans; page-date
conflicts cite the page-date lines themselves, which is the one place junk spans are cited.
"""

from __future__ import annotations

import re
from collections import Counter

from .citations import cite, cite_sentence
from .corpus import Corpus
from .models import Sentence, SourceSentence
from .textstats import content_words, jaccard, numbers

_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_MAX_PAIRS = 3


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _number_conflicts(corpus: Corpus) -> list[Sentence]:
    texts = corpus.texts
    sents = [
        s for ss in corpus.sentences.values() for s in ss if s.junk is None and numbers(texts[s.source_id][s.start : s.end])
    ]
    words = [set(content_words(texts[s.source_id][s.start : s.end])) for s in sents]
    df: Counter = Counter(w for ws in words for w in ws)
    cap = max(3, len(corpus.documents) * 2)
    index: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            if df[w] <= cap:
                index.setdefault(w, []).append(i)
    seen: set[tuple[int, int]] = set()
    scored: list[tuple[float, SourceSentence, SourceSentence]] = []
    for members in index.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                a, b = sents[i], sents[j]
                if a.source_id == b.source_id or (i, j) in seen:
                    continue
                seen.add((i, j))
                sim = jaccard(words[i], words[j])
                if sim < 0.3:
                    continue
                na = numbers(texts[a.source_id][a.start : a.end])
                nb = numbers(texts[b.source_id][b.start : b.end])
                if na - nb and nb - na:
                    scored.append((sim, a, b))
    scored.sort(key=lambda t: -t[0])
    out = []
    for _, a, b in scored[:_MAX_PAIRS]:
        ta, tb = texts[a.source_id][a.start : a.end], texts[b.source_id][b.start : b.end]
        out.append(
            Sentence(
                text=f"{a.source_id} and {b.source_id} give different figures: “{_short(ta)}” versus “{_short(tb)}”",
                citations=[cite_sentence(texts, a), cite_sentence(texts, b)],
            )
        )
    return out


def _page_date_conflicts(corpus: Corpus) -> list[Sentence]:
    texts = corpus.texts
    dated: list[tuple[str, int, int, str]] = []
    for doc in corpus.documents:
        for j in corpus.junk[doc.id]:
            if j.reason == "page_date":
                dated.append((doc.id, j.start, j.end, doc.text[j.start : j.end]))
    if not dated:
        return []
    # Years the content itself talks about, weighted by sentences.
    years: Counter = Counter()
    for doc in corpus.documents:
        for s in corpus.sentences[doc.id]:
            if s.junk is None:
                years.update({m.group(0) for m in _YEAR.finditer(doc.text[s.start : s.end])})
    page_years = {d[3]: set(_YEAR.findall(d[3])) and {m.group(0) for m in _YEAR.finditer(d[3])} for d in dated}
    distinct = {d[3] for d in dated}
    if len(distinct) < 2 and not years:
        return []
    parts = [f"{sid} is dated “{txt}”" for sid, _, _, txt in dated]
    text = "Page dates disagree: " + "; ".join(parts) + "."
    event_years = [y for y, _ in years.most_common(2)]
    off = [d for d in dated if event_years and not (page_years[d[3]] & set(event_years))]
    if event_years and off:
        text = text[:-1] + f", while the articles' own text refers to {', '.join(event_years)}."
    elif len(distinct) < 2:
        return []
    return [Sentence(text=text, citations=[cite(texts, sid, a, b) for sid, a, b, _ in dated])]


def find_conflicts(corpus: Corpus) -> list[Sentence]:
    return _page_date_conflicts(corpus) + _number_conflicts(corpus)
