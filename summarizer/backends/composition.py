"""Which of the ranked picks make the consolidated summary, and in what order. Pure.

Used by the extractive backend's consolidated summary (both of its implementations, so they
still agree), after MMR has ranked the candidates:

* **Pairs** - a sentence that opens by pointing back ("He said ...", "However, ...") is a
  candidate only with its antecedent, the sentence just before it in its document. When it is
  picked its antecedent is picked too (if it is not already) and placed just before it: the pair
  counts as two sentences, both lengths count towards ``words``, and ordering moves it as one.
  A pointing-back sentence whose antecedent the picks already restate is passed over (it would
  follow a sentence it does not refer to).
* **Restated** - as ``arrange.drop_restated``: a pick whose content the kept picks support (the
  grounding engine's verdict) is passed over; one that states all of a kept single pick and more
  takes its place.
* **Length** - ``k`` sentences, or ``words`` +-10% (``arrange.fit_words`` over the pairs and
  single picks).
* **Coverage** - every source that adds information contributes: a source no kept pick cites
  offers its best sentences (its own summary's ranking); the first of them the kept picks do not
  already state (grounding engine) and that is not too close to one (MMR's cosine bound) joins
  the summary when the length allows: into free room, else in place of the lowest-ranked kept
  pick or pair whose sources other kept picks still cite (never the best pick, never another
  source's contribution). A source all of whose best sentences the picks state adds nothing and
  stays out. Only the first ``k`` (or ``words`` / 8) sources, in document order, that no pick
  cites and that have an eligible best sentence are looked at (``sources_to_cover``). "Cites"
  means a pick's passage occurs in the source; the assembly's multi-source attribution (a
  sentence other sources state in other words cites them too) comes later and does not count.
* **Order** - ``arrange.order`` over the pairs' first sentences and the single picks
  (``reading_order``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Collection, Mapping, Optional, Sequence

from ..evidence.grounding import Grounder, Passage
from ..evidence.textstats import cosine
from ..prepare.corpus import Corpus
from ..prepare.spans import SourceSentence, Unit
from .arrange import WORDS_TOLERANCE, Date, Pick, fit_words, order

MAX_OFFERS = 3  # of a source's best sentences, how many are looked at for something new
MAX_SIMILAR = 0.6  # as MMR's bound: a contribution this close to a kept pick is a repeat


SentenceTest = Callable[[SourceSentence], bool]


def with_antecedents(corpus: Corpus, units: Sequence[Unit], ok: SentenceTest,
                     pointing_back: SentenceTest) -> tuple[list[Unit], dict[int, Unit]]:
    """The consolidation's candidates, in ``units`` order: the units whose sentence is eligible
    (``ok``), and those whose sentence is well formed but points back and whose antecedent (the
    sentence just before it in its document) is an eligible content sentence of ``units`` (not
    one only a source about another period states); with each of the latter's antecedent unit,
    by unit id."""
    out: list[Unit] = []
    antecedent: dict[int, Unit] = {}
    unit_of, sentences = corpus.unit_of, corpus.sentences
    given: Optional[set[int]] = None
    for u in units:
        s = u.canonical
        if ok(s):
            out.append(u)
        elif s.index > 0 and s.junk is None and pointing_back(s):
            prev = sentences[s.source_id][s.index - 1]
            if prev.junk is None and ok(prev):
                a = unit_of[(prev.source_id, prev.index)]
                given = given if given is not None else {x.id for x in units}
                if a.id != u.id and a.id in given:
                    out.append(u)
                    antecedent[u.id] = a
    return out, antecedent


Leads = Mapping[str, Sequence[tuple[SourceSentence, Unit]]]  # source -> its best sentences, best first


def coverage_offers(corpus: Corpus, leads: Leads, skip_sources: Collection[str],
                    ok: SentenceTest) -> list[tuple[str, list[Unit]]]:
    """What each source offers the consolidated summary for coverage: its best eligible
    sentences' units, in document order; none from sources about another period."""
    return [(d.id, [u for s, u in leads.get(d.id, ())[:MAX_OFFERS] if ok(s)])
            for d in corpus.documents if d.id not in skip_sources]



@dataclass
class Candidates:
    """The picks to compose from, by position: first the ``n_ranked`` MMR ranked (rank order),
    then the antecedents not ranked, then the sentences sources offer (``offers``)."""

    picks: Sequence[Pick]
    sources: Sequence[frozenset[str]]  # the sources each pick's citations name
    n_ranked: int
    antecedent: Mapping[int, int] = field(default_factory=dict)  # pointing-back pick -> its antecedent
    offers: Sequence[tuple[str, Sequence[int]]] = ()  # (source, its best sentences) for coverage


def select(c: Candidates, k: int, words: Optional[int]) -> list[list[int]]:
    """The summary's picks before coverage, as blocks (a pair: the antecedent, then the sentence
    pointing back; else one pick) of positions, in rank order."""
    n_main = max([c.n_ranked, *(a + 1 for a in c.antecedent.values())])
    grounder = Grounder([Passage(p.text, p.source_id, 0, i) for i, p in enumerate(c.picks[:n_main])])
    blocks = _unrestated(c, grounder, None if words is not None else k)
    if words is not None:
        lengths = [sum(len(c.picks[i].text.split()) for i in b) for b in blocks]
        blocks = [blocks[i] for i in fit_words(lengths, words)]
    return blocks


def cover_limit(k: int, words: Optional[int]) -> int:
    """How many sources coverage looks at: as many as the summary has sentences (about)."""
    return k if words is None else max(1, words // 8)


def sources_to_cover(c: Candidates, blocks: Sequence[list[int]], source_ids: Sequence[str], limit: int) -> list[str]:
    """The first ``limit`` of ``source_ids`` that no block's pick cites."""
    cited = set().union(*(c.sources[i] for b in blocks for i in b))
    return [sid for sid in source_ids if sid not in cited][:limit]


def reading_order(picks: Sequence[Pick], blocks: Sequence[list[int]], dates: Mapping[str, Optional[Date]],
                  year: int = 0) -> list[int]:
    """The positions of the blocks' picks in ``arrange.order`` of the blocks' first picks (each
    pick's ``rank`` is its position), a pair's two together."""
    block_of = {b[0]: b for b in blocks}
    return [i for h in order([picks[b[0]] for b in blocks], dates, year) for i in block_of[h.rank]]


def _unrestated(c: Candidates, grounder: Grounder, k: Optional[int]) -> list[list[int]]:
    """The ranked picks in rank order, as pairs and single picks, none restating another (at
    most ``k`` sentences when given)."""
    blocks: list[list[int]] = []
    placed: dict[int, list[int]] = {}  # pick -> its block
    for i in range(c.n_ranked):
        kept = list(placed)
        if k is not None and len(kept) >= k:
            break
        if i in placed or (kept and grounder.supports(c.picks[i].text, only=kept)):
            continue
        a = c.antecedent.get(i)
        if a is not None:
            if a in placed:
                if len(placed[a]) == 1 and placed[a][0] == a:
                    placed[a].append(i)
                    placed[i] = placed[a]
            elif (k is None or len(kept) + 2 <= k) and not (kept and grounder.supports(c.picks[a].text, only=kept)):
                blocks.append([a, i])
                placed[a] = placed[i] = blocks[-1]
            continue
        if not _replaces(c, grounder, i, blocks, placed):
            blocks.append([i])
            placed[i] = blocks[-1]
    return blocks


def _replaces(c: Candidates, grounder: Grounder, i: int, blocks: list[list[int]], placed: dict[int, list[int]]) -> bool:
    """Whether pick ``i`` says all that a kept single pick says, and more: if so it takes that
    pick's place (checked only against picks sharing half of their words with it)."""
    p = c.picks[i]
    for b in blocks:
        if len(b) != 1:
            continue
        q = c.picks[b[0]].vector
        if q and sum(1 for w in q if w in p.vector) * 2 >= len(q) and grounder.supports(c.picks[b[0]].text, only=[i]):
            del placed[b[0]]
            b[0] = i
            placed[i] = b
            return True
    return False


def cover(c: Candidates, blocks: Sequence[list[int]], k: int, words: Optional[int]) -> list[list[int]]:
    """``blocks`` (``select``'s) with the contributions of the sources ``c.offers`` names, in
    that order (see the module doc), contributions last."""
    kept_then_offered = sorted({i for b in blocks for i in b} | {j for _, js in c.offers for j in js[:MAX_OFFERS]})
    grounder = Grounder([Passage(c.picks[i].text, c.picks[i].source_id, 0, i) for i in kept_then_offered])
    at = {i: n for n, i in enumerate(kept_then_offered)}  # position -> passage
    blocks = [list(b) for b in blocks]
    fixed = {id(b) for b in blocks[:1]}  # the best pick stays
    size = (lambda b: sum(len(c.picks[i].text.split()) for i in b)) if words is not None else len
    hi = words * (1 + WORDS_TOLERANCE) if words is not None else k
    for source, offered in c.offers:
        if not blocks or any(source in c.sources[i] for b in blocks for i in b):
            continue
        kept = [i for b in blocks for i in b]
        new = next((j for j in offered[:MAX_OFFERS] if j not in kept
                    and not grounder.supports(c.picks[j].text, only=[at[i] for i in kept])
                    and all(cosine(c.picks[j].vector, c.picks[i].vector) < MAX_SIMILAR for i in kept)), None)
        if new is None:
            continue  # everything it says best, the summary says already
        total = sum(map(size, blocks))
        lo = min(total, words * (1 - WORDS_TOLERANCE)) if words is not None else 0
        if total + size([new]) <= hi:
            blocks.append([new])
        else:
            out = _replaceable(c, blocks, fixed, lambda b: lo <= total - size(b) + size([new]) <= hi)
            if out is None:
                continue
            blocks.remove(out)
            blocks.append([new])
        fixed.add(id(blocks[-1]))
    return blocks


def _replaceable(c: Candidates, blocks: list[list[int]], fixed: set[int],
                 fits: Callable[[list[int]], bool]) -> Optional[list[int]]:
    """The lowest-ranked block (the last) that may give way to a contribution: not fixed, every
    source it cites cited by another block too, and ``fits`` with the length."""
    for b in reversed(blocks):
        if id(b) in fixed or not fits(b):
            continue
        others = set().union(*(c.sources[i] for o in blocks if o is not b for i in o))
        if all(s in others for i in b for s in c.sources[i]):
            return b
    return None
