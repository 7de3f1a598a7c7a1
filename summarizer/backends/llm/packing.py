"""Which documents the map stage sends together, and what of each it shows (pure planning).

Two ways to send fewer prompt tokens without losing a source's own summary:

* ``near_duplicate_bases``: a document whose passages mostly (``NEAR_SHARE``) repeat an earlier
  document's is a near-duplicate of it: only its own passages are shown to the model, and it
  shares the earlier document's summary for the rest (re-cited to its own text).
* ``plan_packs``: short documents go several to one map call (``pack`` them in order while the
  call's reply and prompt fit), so the instructions and the format example are sent once per
  call instead of once per document.

Both work on plain numbers (unit ids, token costs), so they are tested without a model.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

NEAR_SHARE = 0.5  # a document repeating at least this share of an earlier one's passages


def near_duplicate_bases(units: dict[str, Sequence[int]], share: float = NEAR_SHARE) -> dict[str, str]:
    """``{document: earlier document it mostly repeats}`` for the near-duplicates in ``units``
    (document id -> its content unit ids, in corpus order).

    A base is never itself a near-duplicate, so every shared summary comes from a document that
    was shown whole. Linear in the number of units."""
    owner: dict[int, str] = {}  # unit -> the first shown-whole document that has it
    bases: dict[str, str] = {}
    for doc, ids in units.items():
        shared = Counter(owner[u] for u in ids if u in owner)
        if shared:
            base, n = shared.most_common(1)[0]
            if n >= share * len(ids):
                bases[doc] = base
                continue
        for u in ids:
            owner.setdefault(u, doc)
    return bases


def plan_packs(costs: Sequence[int], room: Sequence[int], max_members: int) -> list[list[int]]:
    """Consecutive groups of indices into ``costs`` (each document's shown tokens, header
    included): a group holds at most ``max_members`` and its total stays within ``room[i]`` of
    its first member ``i`` (the prompt room left once that member's format example is in).

    A document that does not fit even alone is a group of its own (the caller cuts it)."""
    packs: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, cost in enumerate(costs):
        if current and len(current) < max_members and used + cost <= room[current[0]]:
            current.append(i)
            used += cost
            continue
        if current:
            packs.append(current)
        current, used = [i], cost
    if current:
        packs.append(current)
    return packs


__all__ = ["NEAR_SHARE", "near_duplicate_bases", "plan_packs"]
