"""The grounding dev set: human reference sentences of the MultiLing 2011 Wikinews clusters, and
controlled edits of them that make them false.

Positives are every sentence of the three human references of a cluster, checked against that
cluster's ten articles. Negatives are edits of those sentences (each edit applied where the
sentence has what it needs), plus the references of the other clusters checked against this one:

* ``number_digits``: a figure in digits changed (years moved by a few years, counts scaled);
* ``number_words``: a figure written in words changed, or a small figure in digits rewritten
  as a different number in words;
* ``entity_swap``: a name replaced by another name of the same cluster;
* ``negation``: "not" added after the first auxiliary, or an existing negation removed;
* ``antonym``: a word replaced by its opposite (this list is the benchmark's own, written apart
  from the engine's lexicon; ``overlap_with_engine`` says how many pairs both have);
* ``role_swap``: two names on either side of a verb trade places;
* ``other_cluster``: a reference sentence of another cluster.

Edits are deterministic (a seeded RNG picks among the options) so runs compare.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.contract.documents import Document
from summarizer.prepare.corpus import prepare
from summarizer.prepare.segment import split_sentences

NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
# The benchmark's own antonyms (past and base forms as they appear in news prose).
BENCH_ANTONYMS = {
    "rose": "fell", "fell": "rose", "increased": "decreased", "decreased": "increased", "won": "lost",
    "lost": "won", "accepted": "rejected", "rejected": "accepted", "guilty": "innocent",
    "innocent": "guilty", "approved": "rejected", "agreed": "refused", "refused": "agreed",
    "largest": "smallest", "longest": "shortest", "highest": "lowest", "lowest": "highest",
    "successful": "unsuccessful", "unsuccessful": "successful", "released": "arrested",
    "arrested": "released", "captured": "freed", "freed": "captured", "allowed": "banned",
    "banned": "allowed", "opened": "closed", "closed": "opened", "began": "ended", "ended": "began",
    "before": "after", "after": "before", "more": "fewer", "fewer": "more", "supported": "opposed",
    "opposed": "supported", "confirmed": "denied", "denied": "confirmed", "alive": "dead", "dead": "alive",
    "killed": "spared", "injured": "unhurt", "included": "excluded", "excluded": "included",
    "launched": "abandoned", "unveiled": "removed", "expensive": "cheap", "cheap": "expensive",
    "public": "private", "private": "public", "early": "late", "late": "early", "first": "last",
    "last": "first", "increase": "decrease", "decrease": "increase", "praised": "criticised",
    "criticised": "praised", "welcomed": "condemned", "condemned": "welcomed", "good": "poor",
    "peaceful": "violent", "immediate": "delayed", "entered": "left", "north": "south", "south": "north",
    "east": "west", "west": "east", "able": "unable", "unable": "able", "true": "false", "decent": "poor",
}
_AUX = re.compile(r"\b(is|was|were|are|has|have|had|will|would|can|could|did|does|should|must|may)\b")
_NEG = re.compile(r"\s+(not|never)\b|n't\b")
_DIGITS = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?![\d])")
_WORDNUM = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+(?: [A-Z][a-z]+)*)")


@dataclass
class Cluster:
    id: str
    documents: list[Document]
    references: list[str]
    names: list[str] = field(default_factory=list)


def load_clusters(path: Path) -> list[Cluster]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs = [Document(d["id"], d["text"], d.get("title", "")) for d in row["documents"]]
        refs = [r["text"] for r in row["all_reference_summaries"]]
        out.append(Cluster(row["id"], docs, refs, _cluster_names(docs)))
    return out


def _cluster_names(docs: list[Document]) -> list[str]:
    counts: dict[str, int] = {}
    for d in docs:
        for m in _NAME.finditer(d.text):
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return sorted(n for n, c in counts.items() if c >= 2)


def sentences(text: str) -> list[str]:
    return [" ".join(text[a:b].split()) for a, b in split_sentences(text) if len(text[a:b].split()) >= 4]


def _change_digits(s: str, rng: random.Random) -> str | None:
    ms = list(_DIGITS.finditer(s))
    if not ms:
        return None
    m = rng.choice(ms)
    raw = m.group(0)
    if re.fullmatch(r"(19|20)\d\d", raw):
        new = str(int(raw) + rng.choice([-3, -2, 2, 3]))
    else:
        value = float(raw.replace(",", ""))
        new_value = value * rng.choice([2, 3]) if value >= 10 else value + rng.choice([2, 3, 4])
        new = f"{int(new_value):,}" if "," in raw or new_value >= 10000 else str(int(new_value))
    return s[: m.start()] + new + s[m.end() :]


def _change_words(s: str, rng: random.Random) -> str | None:
    words = list(_WORDNUM.finditer(s))
    if words:
        m = rng.choice(words)
        old = m.group(0).lower()
        if old == "one":
            return None  # "one of the..." is rarely a count
        new = rng.choice([w for w in NUMBER_WORDS[1:] if w != old])
        new = new.capitalize() if m.group(0)[0].isupper() else new
        return s[: m.start()] + new + s[m.end() :]
    small = [m for m in _DIGITS.finditer(s) if m.group(0).isdigit() and 2 <= int(m.group(0)) <= 12]
    if not small:
        return None
    m = rng.choice(small)
    new = rng.choice([w for i, w in enumerate(NUMBER_WORDS, 1) if i != int(m.group(0))])
    return s[: m.start()] + new + s[m.end() :]


def _swap_entity(s: str, names: list[str], rng: random.Random) -> str | None:
    here = [m for m in _NAME.finditer(s)]
    if not here:
        return None
    m = rng.choice(here)
    others = [n for n in names if n not in s and n.split()[-1] not in m.group(0) and m.group(0) not in n]
    if not others:
        return None
    return s[: m.start()] + rng.choice(others) + s[m.end() :]


def _negate(s: str) -> str | None:
    m = _NEG.search(s)
    if m:
        return s[: m.start()] + ("" if m.group(0).startswith(" ") else "") + s[m.end() :]
    m = _AUX.search(s)
    if not m:
        return None
    return s[: m.end()] + " not" + s[m.end() :]


def _antonym(s: str, rng: random.Random) -> str | None:
    hits = [m for m in re.finditer(r"\b[a-z]+\b", s) if m.group(0) in BENCH_ANTONYMS]
    if not hits:
        return None
    m = rng.choice(hits)
    return s[: m.start()] + BENCH_ANTONYMS[m.group(0)] + s[m.end() :]


def _swap_roles(s: str, names: list[str]) -> str | None:
    """Two names on either side of a verb-like word trade places ("Britain accused Iran" ->
    "Iran accused Britain"); a sentence-opening word counts only if the cluster uses it as a name."""
    here = list(_NAME.finditer(s))
    for a, b in zip(here, here[1:]):
        between = s[a.end() : b.start()]
        if a.group(0) != b.group(0) and re.search(r"\b[a-z]{3,}\b", between) and len(between.split()) <= 6:
            return s[: a.start()] + b.group(0) + between + a.group(0) + s[b.end() :]
    first = re.match(r"([A-Z][a-z]+(?: [A-Z][a-z]+)*) ", s)
    if first and first.group(1) in names and here and here[0].start() > first.end():
        b = here[0]
        return b.group(0) + s[first.end() - 1 : b.start()] + first.group(1) + s[b.end() :]
    return None


def build(clusters: list[Cluster], seed: int = 13) -> list[tuple[str, str, str]]:
    """(category, cluster id, claim) rows; the original of an edit is kept in the row order."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    for c in clusters:
        for ref in c.references:
            for s in sentences(ref):
                rows.append(("human", c.id, s, s))
                edits = {
                    "number_digits": _change_digits(s, rng), "number_words": _change_words(s, rng),
                    "entity_swap": _swap_entity(s, c.names, rng), "negation": _negate(s),
                    "antonym": _antonym(s, rng), "role_swap": _swap_roles(s, c.names),
                }
                rows += [(k, c.id, v, s) for k, v in edits.items() if v and v != s]
        for other in clusters:
            if other.id != c.id:
                rows += [("other_cluster", c.id, s, "") for ref in other.references for s in sentences(ref)]
    return rows


def overlap_with_engine() -> int:
    from summarizer.evidence.checks import ANTONYMS
    from summarizer.evidence.analysis import stem

    return sum(1 for a, b in BENCH_ANTONYMS.items() if stem(b) in ANTONYMS.get(stem(a), ()))


def corpora(clusters: list[Cluster]):
    return {c.id: prepare(c.documents) for c in clusters}
