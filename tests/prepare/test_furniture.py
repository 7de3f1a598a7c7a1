"""Page furniture inside body text (issue 17): general signals, each with a look-alike that stays."""

from __future__ import annotations

import pytest

from summarizer.prepare.cleaning import find_junk

BODY = "This is a long body sentence with more than ten words in it, so it counts as prose."


def junk_of(line: str) -> list[tuple[str, str]]:
    text = f"A title of the page\n\n{BODY}\n\n{line}\n\n{BODY} Another one."
    at = text.index(line)
    return [(text[j.start : j.end], j.reason) for j in find_junk(text) if at <= j.start < at + len(line)]


@pytest.mark.parametrize("line", [
    "FILE - In this Oct. 27, 2012 file photo, the governor speaks at a rally in the state capital before the vote.",
    "Soldiers ride a tank near the city on Saturday, as the fighting goes on in the region. (AP Photo/Jane Doe, File)",
    "Image caption Ukrainian soldiers ride on an armoured vehicle in the north of the region on Sunday",
    "Cquote1.svg On the occasion of the anniversary we remember all those who died in the war. Cquote2.svg",
    "A resident walks past a destroyed building in the city, in a photo taken on Sunday (Photo by Jane Doe/AFP)",
])
def test_captions_and_credits_in_body_text(line):
    assert junk_of(line) == [(line, "caption")] or junk_of(line) == [(line, "credit")]


@pytest.mark.parametrize("line, reason", [
    ("View Slideshow of the storm damage", "navigation"),
    ("Click to enlarge", "navigation"),
    ("Share on Facebook", "navigation"),
    ("Officials said the talks would continue next week, and that more details would follow...", "teaser"),
])
def test_viewer_controls_share_prompts_and_teasers(line, reason):
    assert junk_of(line) == [(line, reason)]


@pytest.mark.parametrize("line, dateline", [
    ("BRUSSELS, January 22 (Xinhua) -- The European Union said on Monday it would send aid to the region.",
     "BRUSSELS, January 22 (Xinhua) --"),
    ("KHARKIV, Ukraine (AP) — Ukrainian troops pushed Russian forces back from the city on Saturday.",
     "KHARKIV, Ukraine (AP) —"),
    ("WASHINGTON _ President Clinton said Tuesday that he would veto the bill passed by the House.", "WASHINGTON _"),
    ("(CNN) -- A powerful storm hit the coast on Friday, killing at least ten people in three towns.", "(CNN) --"),
    ("Kyiv, March 3 (Reuters) - Ukraine said its forces held the city after days of heavy fighting.",
     "Kyiv, March 3 (Reuters) -"),
])
def test_a_dateline_is_marked_alone_and_the_sentence_after_it_stays(line, dateline):
    assert junk_of(line) == [(dateline, "dateline")]


@pytest.mark.parametrize("line", [
    "UKRANE has declared victory in the Battle of Kharkov as forces are driven back from the city.",
    "US - China trade talks resumed on Monday in Beijing after a pause of several long months.",
    "The photographer, who took the picture on Sunday, said the city was calm after the night of shelling.",
    "The rate rose at 5 p.m. the next day in the city of London and around the whole country.",
])
def test_look_alikes_stay_content(line):
    assert junk_of(line) == []


def test_a_scraped_tail_is_cut_off_the_sentence():
    line = ("The government says the withdrawal is a major turning point in the conflict, as troops fled "
            "the advance, it said. they stated.")
    assert junk_of(line) == [("they stated.", "tail")]
