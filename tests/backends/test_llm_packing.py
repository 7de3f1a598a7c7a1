"""Short sources packed several to one map call; near-duplicates shown only their own passages."""

from __future__ import annotations

from summarizer.backends.llm.packing import near_duplicate_bases, plan_packs
from summarizer.chat.budget import Budget
from summarizer.config.options import SummaryOptions
from summarizer.contract.documents import Document
from summarizer.prepare.tokens import get_counter
from summarizer.testing.fake_chat import FakeChatModel

from ..llm_helpers import articles, assert_valid, kind, numbered_lines, run

TOPICS = [
    ("Harbor", "The city council approved a new harbor budget of 40 million euros on Monday.",
     "Dock workers welcomed the plan after weeks of talks with the port authority.",
     "Construction of the northern pier will start in March and last two years.",
     "Critics said the council ignored the cost of dredging the old channel."),
    ("Orchard", "Apple growers in the valley reported the largest harvest in a decade.",
     "Warm spring weather and late rain helped the trees set more fruit.",
     "Prices at the regional market fell by a fifth within one week.",
     "Several farms hired extra pickers from neighbouring towns."),
    ("Library", "The national library opened a reading room for rare maps on Friday.",
     "Visitors can request any of 12,000 historical charts by appointment.",
     "The collection includes a coastal survey drawn by naval officers in 1790.",
     "Curators spent three years cataloguing the fragile sheets."),
    ("Railway", "A regional railway line reopened after a landslide closed it in January.",
     "Engineers rebuilt a retaining wall along two kilometres of track.",
     "Trains will run every thirty minutes during the morning peak.",
     "Commuters had used replacement buses for almost five months."),
    ("Glacier", "Scientists measured the glacier's retreat at 60 metres over the past year.",
     "The survey team used drones to map the ice front in high detail.",
     "Meltwater has formed a new lake at the foot of the valley.",
     "Local guides moved their hiking routes away from unstable ice."),
    ("Festival", "The folk music festival drew a record crowd of 25,000 people.",
     "Bands from eleven countries played on four stages over the weekend.",
     "Organisers added shuttle buses after traffic jams on the first night.",
     "Ticket sales will help fund a music school for children in the town."),
]


def short_docs(n: int = len(TOPICS)) -> list[Document]:
    return [Document(f"d{i}", "\n".join(t[1:]) + "\n", t[0]) for i, t in enumerate(TOPICS[:n])]


def per_article(request, take: int = 2) -> dict:
    if kind(request) == "conflicts":
        return {"conflicts": []}
    if kind(request) != "map":
        return {"sentences": [{"text": t, "cites": [n]} for n, t in numbered_lines(request)[:take]]}
    return {"sentences": [{"text": t, "cites": [n]} for _, lines in articles(request) for n, t in lines[:take]]}


def map_requests(model: FakeChatModel) -> list:
    return [r for r in model.requests if kind(r) == "map"]


def test_a_packs_facts_cite_exactly_their_own_document():
    docs = short_docs()
    texts = {d.id: d.text for d in docs}

    def handler(request):
        if kind(request) != "map":
            return per_article(request)
        out = []
        blocks = articles(request)
        for a, (_, lines) in enumerate(blocks):
            n, text = lines[1]
            # Its own sentence, cited right, plus a number pointing into the previous article.
            other = blocks[a - 1][1][0][0] if a else None
            out.append({"text": text, "cites": [n] + ([other] if other else [])})
        return {"sentences": out}

    model = FakeChatModel(handler)
    result = run(docs, model, SummaryOptions(per_source_sentences=1, find_conflicts=False))
    assert_valid(result, docs)
    packs = map_requests(model)
    assert len(packs) < len(docs) and all(len(articles(r)) >= 1 for r in packs)
    assert result.stats.packed_documents == len(docs)
    assert result.stats.cross_article_cites == len(docs) - len(packs)  # every article but each pack's first
    for ps in result.per_source:
        [s] = ps.summary
        assert [c.source_id for c in s.citations] == [ps.source_id]
        c = s.citations[0]
        assert texts[ps.source_id][c.start : c.end] == c.text == s.text  # the article's own second sentence
        assert texts[ps.source_id].split("\n")[1] == s.text


def test_sentence_numbers_are_global_within_a_pack():
    model = FakeChatModel(per_article)
    run(short_docs(), model, SummaryOptions(find_conflicts=False))
    for request in map_requests(model):
        numbers = [n for _, lines in articles(request) for n, _ in lines]
        assert numbers == list(range(1, len(numbers) + 1))


def test_a_pack_never_exceeds_the_budget():
    docs = short_docs()
    for window in (1100, 1400, 8192):
        model = FakeChatModel(per_article, context_window=window)
        options = SummaryOptions(per_source_sentences=2, find_conflicts=False)
        result = run(docs, model, options)
        assert_valid(result, docs)
        budget = Budget(get_counter(options.encoding), window)
        for request in model.requests:
            assert budget.estimate(budget.prompt_tokens(request.messages, request.schema), request.max_tokens) <= window
        assert result.stats.largest_request_tokens <= window
        sizes = [len(articles(r)) for r in map_requests(model)]
        assert sum(sizes) == len(docs)
        if window >= 1400:
            assert max(sizes) > 1  # room for packs: they are made


def test_a_garbled_pack_reply_falls_back_to_one_call_per_document():
    docs = short_docs()

    def handler(request):
        if kind(request) == "map" and "+" in request.purpose:  # a pack (and its repair round)
            return "this is not JSON {"
        return per_article(request)

    model = FakeChatModel(handler)
    result = run(docs, model, SummaryOptions(per_source_sentences=2, find_conflicts=False))
    assert_valid(result, docs)
    stats = result.stats
    assert stats.pack_fallbacks >= 1 and stats.failed_replies >= stats.pack_fallbacks
    alone = [r for r in map_requests(model) if len(articles(r)) == 1]
    assert len(alone) == len(docs)  # every document of a failed pack asked again on its own
    texts = {d.id: d.text for d in docs}
    for ps in result.per_source:  # and each got its own facts from the model: its first two sentences
        assert [s.text for s in ps.summary] == texts[ps.source_id].split("\n")[:2]
        assert all(c.source_id == ps.source_id for s in ps.summary for c in s.citations)


def test_a_near_duplicate_is_shown_only_its_own_passages_and_shares_the_facts_it_states():
    base = short_docs(1)[0]
    own = "A spokesman for the port said the pier design would be published in April."
    near = Document("near", base.text + own + "\n", "Harbor update")
    docs = [base, short_docs(2)[1], near]
    model = FakeChatModel(per_article)
    result = run(docs, model, SummaryOptions(per_source_sentences=3, find_conflicts=False))
    assert_valid(result, docs)
    assert result.stats.near_duplicate_documents == 1
    shown = [t for r in map_requests(model) for title, lines in articles(r) if title == "Harbor update" for _, t in lines]
    assert shown == [own]
    by_id = {ps.source_id: ps.summary for ps in result.per_source}
    first = by_id["d0"][0].text
    assert first in [s.text for s in by_id["near"]]  # the base's fact, shared ...
    for s in by_id["near"]:  # ... and cited to the near-duplicate's own text
        for c in s.citations:
            assert c.source_id == "near" and near.text[c.start : c.end] == c.text
    assert own in [s.text for s in by_id["near"]]  # its own passage summarized too


def test_plan_packs_keeps_order_room_and_member_limit():
    assert plan_packs([10, 10, 10, 10, 10], [30] * 5, 2) == [[0, 1], [2, 3], [4]]
    assert plan_packs([10, 25, 10, 10], [30] * 4, 3) == [[0], [1], [2, 3]]
    assert plan_packs([50, 5, 5], [30, 30, 30], 3) == [[0], [1, 2]]  # too big alone: its own group
    assert plan_packs([10, 10], [15, 30], 3) == [[0], [1]]  # room is the first member's
    assert plan_packs([], [], 3) == []


def test_near_duplicate_bases_need_most_of_the_passages_and_chain_to_a_whole_document():
    units = {"a": [1, 2, 3, 4], "b": [1, 2, 3, 9], "c": [1, 2, 3, 9, 10], "d": [4, 11, 12, 13], "e": [20]}
    assert near_duplicate_bases(units) == {"b": "a", "c": "a"}
    assert near_duplicate_bases({"a": [1, 2], "b": [1, 3, 4, 5]}) == {}
