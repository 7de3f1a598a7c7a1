"""``stands_alone`` tries its costly alternative only where "then" is: it answers as the one
regex it was first written as (kept here, verbatim, as the definition)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer.backends.readable import stands_alone

from ..conftest import messy_text

_DEMONSTRATIVE_USE = (
    r"(?:[,.;:!?]|$|(?:is|was|are|were|has|had|have|will|would|could|can|may|might|must|should|did|does|do"
    r"|means|meant|comes|came|led|leads|follows|followed|included|includes|include|made|makes|shows|showed"
    r"|suggests|suggested|prompted|caused|marks|marked|brings|brought|remains|remained|also|not|all|alone"
    r"|appears|seems|seemed|happened|happens|prompts|raises|raised)\b)"
)
DANGLING = re.compile(
    rf"""(?x)[\s“"‘'(\[«]*(?:
        (?:He|She|It|They|We|His|Her|Its|Their|Them|Him|Hers|Theirs)\b(?!-)
      | (?:But|And|Also|However|Then|Yet|Still|Meanwhile|Moreover|Furthermore|Besides|Instead|Thus
          |Therefore|Nevertheless|Nonetheless|Otherwise|Hence|Consequently|Additionally|Likewise
          |Similarly|Accordingly|Afterwards|Later|Again|Plus|Or|Nor)\b
      | So\b(?!\s+far\b)
      | (?:In\s+addition|As\s+a\s+result|On\s+the\s+other\s+hand|At\s+the\s+same\s+time|Even\s+so
          |After\s+that|For\s+this\s+reason|By\s+contrast|In\s+contrast|In\s+turn|Despite\s+this
          |Because\s+of\s+this|The\s+former|The\s+latter|Such\s+a|Both\s+of\s+them|The\s+two\s+men)\b
      | (?:This|That|These|Those|Such)\b(?=\s*{_DEMONSTRATIVE_USE})
      | [A-Z][\w'’.-]*(?:\s+[\w'’.-]+){{0,3}}?\s+then\s+(?!the\b)[a-z]   # "The government then stated"
    )"""
)

WORDS = ["He", "She", "The", "government", "then", "Then", "the", "stated", "So", "far", "This", "is", "year", "In",
         "addition", "“", "(", "'", "x", "Apple", "rose", "then-president", "thence", "Such", "a", "In", "turn", ",",
         ".", "\n", "é", "THEN", "Authen", "Them"]
openings = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)


@given(st.one_of(openings, messy_text, st.text(max_size=40)), st.data())
@example("The government then stated it", None)
@example("Apple shares then rose", None)
@settings(max_examples=1000, deadline=None)
def test_stands_alone_is_the_one_regex(text, data):
    assert stands_alone(text) == (DANGLING.match(text) is None)
    if data is not None and text:
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        assert stands_alone(text, start, end) == (DANGLING.match(text, start, end) is None)
