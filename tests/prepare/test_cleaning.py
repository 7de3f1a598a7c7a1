"""Cleaning: junk found on the seeds, and on made-up scraped pages of other shapes."""

from __future__ import annotations

import pytest

from summarizer.prepare.cleaning import find_junk, is_date_line
from summarizer.prepare.titles import guess_title

from ..conftest import SEEDS


def junk_lines(text: str) -> dict[str, str]:
    """Junk span text -> reason."""
    return {text[j.start : j.end]: j.reason for j in find_junk(text)}


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_bytes().decode("utf-8")


def test_seed_page_dates_and_comment_prompt():
    junk = junk_lines(seed("000"))
    assert junk["April 18, 2024"] == "page_date"
    assert junk["Leave a Reply"] == "navigation"
    # The title printed twice: the second copy goes, the first stays content.
    title = "Ukrainian forces have driven Russia out of the Kharkiv region and back across the Russian border, officials say."
    text = seed("000")
    first, second = text.index(title), text.index(title, text.index(title) + 1)
    spans = {(j.start, j.reason) for j in find_junk(text)}
    assert (second, "repeated") in spans
    assert not any(j.start == first for j in find_junk(text))


def test_seed_credit_disclaimer_and_navigation():
    text = seed("001")
    junk = junk_lines(text)
    assert junk["Photo by John Moore/Getty Images The Ukrainian army secures Kharkiv, the second largest city, and advances to the Russian border"] == "credit"
    assert junk["Related Articles"] == "navigation"
    assert junk["Back to top button"] == "navigation"
    assert any("aggregator" in line and r == "disclaimer" for line, r in junk.items())
    assert any(line.startswith("A local resident collects") for line in junk)  # the caption


def test_seed_previous_next_article_links():
    junk = junk_lines(seed("002"))
    assert any(line.startswith("Previous articleOther voices") and r == "navigation" for line, r in junk.items())
    assert any(line.startswith("Next articleLiterary calendar") and r == "navigation" for line, r in junk.items())
    assert junk["google news"] == "navigation"


def test_seed_teaser_headlines_and_glued_credits():
    junk = junk_lines(seed("003"))
    for teaser in [
        "Russians hide in trench shelled by Ukrainian drone bomb",
        "Molly-Mae Hague reveals tan-line fail as Love Island star instantly bronze",
    ]:
        assert junk[teaser] == "headline_list"
    assert junk["Kharkiv mayor said the battle for the city was now overCredit: Rex"] == "credit"
    assert junk["Kharkiv mayor said the battle for the city was now over"] in {"repeated", "credit"}
    assert junk["Leave a Comment"] == "navigation"


def test_seed_weekday_dates():
    junk = junk_lines(seed("004"))
    assert junk["Monday, 9th December 2024"] == "page_date"
    assert junk["Saturday, 14th May 2022"] == "page_date"


def test_seed_body_paragraphs_are_not_junk():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        junk = find_junk(text)
        junk_chars = sum(j.end - j.start for j in junk)
        assert junk_chars < 0.35 * len(text), path.name
        for j in junk:
            assert text[j.start : j.end] == text[j.start : j.end].strip() and j.start < j.end


BLOG_PAGE = """Skip to content
Home > World > Europe

Floods close roads across northern Italy

Posted on 3 March 2023 at 09:15

Heavy rain closed dozens of roads across northern Italy on Thursday, and emergency services evacuated several villages near the Po river.
Image: Regional civil protection
The regional government said the river had risen by more than two metres overnight and that schools would stay shut until Monday.

Share this article
Facebook
Twitter

Copyright 2023 Example Media Ltd. All rights reserved.
"""

FORUM_PAGE = """<b>Town council approves new cycle lanes</b>
By Staff Reporter | 12 comments

Wednesday 5 June 2024 14:02 BST

The town council voted seven to two on Tuesday evening to build protected cycle lanes on the high street, after a year of consultation.
Shopkeepers had opposed the plan, saying the loss of parking would hurt trade, but the council said footfall had risen in towns that made the change.

You might also like
Local bakery wins national award for sourdough loaf
Police appeal for witnesses after bridge collision

The works are due to begin in September and to last about four months, according to the council's transport committee.

Read more: How other towns built their cycle networks
"""


def test_made_up_blog_page():
    junk = junk_lines(BLOG_PAGE)
    assert junk["Skip to content"] == "navigation"
    assert junk["Posted on 3 March 2023 at 09:15"] == "page_date"
    assert junk["Image: Regional civil protection"] == "credit"
    assert junk["Share this article"] == "navigation"
    assert junk["Copyright 2023 Example Media Ltd. All rights reserved."] == "disclaimer"
    assert "Facebook" in junk and "Twitter" in junk
    body = [ln for ln in BLOG_PAGE.splitlines() if len(ln.split()) > 15]
    assert body and not any(line in junk for line in body)
    assert "Floods close roads across northern Italy" not in junk


def test_made_up_forum_page():
    junk = junk_lines(FORUM_PAGE)
    assert junk["Wednesday 5 June 2024 14:02 BST"] == "page_date"
    assert junk["You might also like"] == "navigation"
    assert junk["Local bakery wins national award for sourdough loaf"] == "headline_list"
    assert junk["Police appeal for witnesses after bridge collision"] == "headline_list"
    assert junk["Read more: How other towns built their cycle networks"] == "navigation"
    for line in FORUM_PAGE.splitlines():
        if line.startswith(("The town council", "Shopkeepers", "The works")):
            assert line not in junk


def test_clean_article_has_no_junk():
    text = (
        "Scientists said on Monday that the glacier had lost a fifth of its mass since 2000.\n\n"
        "The study, published in Nature, used satellite data from three space agencies.\n\n"
        "Its authors warned that the loss would speed up if emissions kept rising."
    )
    assert find_junk(text) == []


@pytest.mark.parametrize(
    "line, expected",
    [
        ("April 18, 2024", True),
        ("Monday, 9th December 2024", True),
        ("Updated 14:02 GMT, 5 June 2024", True),
        ("2024", True),
        ("May", False),
        ("The war began in 2022", False),
        ("18 soldiers died", False),
    ],
)
def test_date_lines(line, expected):
    assert is_date_line(line) is expected


def test_guess_title_skips_junk_and_rejects_prose():
    text = "April 18, 2024\nTroops reach the border\n\nThe troops reached the border on Sunday, after a week of heavy fighting."
    assert guess_title(text, find_junk(text)) == "Troops reach the border"
    prose = "The troops reached the border on Sunday.\n\nMore later."
    assert guess_title(prose, find_junk(prose)) == ""


def test_keyword_prefilter_does_not_hide_case_folded_matches():
    # re's IGNORECASE matches "ſ" (long s) to "s": the fast keyword filter must not skip the line.
    body = "This body sentence is long enough to count as content for the page."
    text = f"{body}\n\nAll rights reſerved by nobody\n\n{body[:-1]} again."
    assert junk_lines(text)["All rights reſerved by nobody"] == "disclaimer"
    plain = text.replace("ſ", "s")
    assert junk_lines(plain)["All rights reserved by nobody"] == "disclaimer"


def test_embed_labels_are_captions_but_prose_about_video_is_not():
    text = (
        "Flood waters recede in the valley\n\n"
        "Video of the rescue teams at the river crossing.\n\n"
        "Video shared by the regional authorities on Sunday showed rescue teams reaching the last "
        "cut-off village, where about 200 people had waited two days for help.\n\n"
        "Watch: the mayor's statement in full\n\n"
        "The mayor said the clean-up would take weeks and asked residents to boil tap water.\n"
    )
    junk = {text[j.start : j.end]: j.reason for j in find_junk(text)}
    assert junk.get("Video of the rescue teams at the river crossing.") == "caption"
    assert junk.get("Watch: the mayor's statement in full") == "caption"
    assert not any(k.startswith("Video shared") for k in junk)
    assert not any(k.startswith("The mayor said") for k in junk)
