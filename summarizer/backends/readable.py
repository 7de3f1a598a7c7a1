"""Whether a source sentence reads on its own in a summary. Pure.

A summary sentence is lifted out of its paragraph: one that opens with a pronoun ("He said ...",
"They stated ..."), a demonstrative standing for a whole earlier statement ("That is not powerful
enough"), or a connective ("But", "However", "As a result") points back at a sentence the reader
does not get. Such sentences are not candidates on their own (``extractive._eligible``): the
consolidated summary takes one only with its antecedent, the sentence before it, placed just
before it (``composition``). One cut off with an ellipsis is
never a candidate. Generic English signals, no lists of sites or stories.
"""

from __future__ import annotations

import re
from typing import Optional

# A demonstrative standing alone (a pronoun), not a determiner ("This year ..."): followed by a
# verb, an adverb, punctuation or the end.
_DEMONSTRATIVE_USE = (
    r"(?:[,.;:!?]|$|(?:is|was|are|were|has|had|have|will|would|could|can|may|might|must|should|did|does|do"
    r"|means|meant|comes|came|led|leads|follows|followed|included|includes|include|made|makes|shows|showed"
    r"|suggests|suggested|prompted|caused|marks|marked|brings|brought|remains|remained|also|not|all|alone"
    r"|appears|seems|seemed|happened|happens|prompts|raises|raised)\b)"
)
_OPENING = r"""[\s“"‘'(\[«]*"""  # quotes and brackets before the first word
_POINTING_BACK = rf"""
        (?:He|She|It|They|We|His|Her|Its|Their|Them|Him|Hers|Theirs)\b(?!-)
      | (?:But|And|Also|However|Then|Yet|Still|Meanwhile|Moreover|Furthermore|Besides|Instead|Thus
          |Therefore|Nevertheless|Nonetheless|Otherwise|Hence|Consequently|Additionally|Likewise
          |Similarly|Accordingly|Afterwards|Later|Again|Plus|Or|Nor)\b
      | So\b(?!\s+far\b)
      | (?:In\s+addition|As\s+a\s+result|On\s+the\s+other\s+hand|At\s+the\s+same\s+time|Even\s+so
          |After\s+that|For\s+this\s+reason|By\s+contrast|In\s+contrast|In\s+turn|Despite\s+this
          |Because\s+of\s+this|The\s+former|The\s+latter|Such\s+a|Both\s+of\s+them|The\s+two\s+men)\b
      | (?:This|That|These|Those|Such)\b(?=\s*{_DEMONSTRATIVE_USE})
"""
_THEN = r"""[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,3}?\s+then\s+(?!the\b)[a-z]"""  # "The government then stated"
# What refers back, ``{_OPENING}(?:{_POINTING_BACK}|{_THEN})``, as two patterns: the second, the
# costly one, can only match where "then" is.
_DANGLING_WORD = re.compile(f"{_OPENING}(?:{_POINTING_BACK})", re.X)
_DANGLING_THEN = re.compile(f"{_OPENING}{_THEN}", re.X)


def stands_alone(text: str, start: int = 0, end: Optional[int] = None) -> bool:
    """Whether ``text[start:end]`` opens with nothing that refers back to an earlier sentence
    (its costly "... then ..." pattern tried only when the sentence holds "then")."""
    end = len(text) if end is None else end
    return _DANGLING_WORD.match(text, start, end) is None and (
        text.find("then", start, end) < 0 or _DANGLING_THEN.match(text, start, end) is None)


def cut_off(text: str) -> bool:
    """Whether a sentence ends with an ellipsis before any closing quotes (a teaser, cut short)."""
    return text.rstrip("”’\"')»").endswith(("...", "…"))
