"""Two job stores on one database (as two API processes) admitting jobs under a per-key limit."""

from __future__ import annotations

import threading

from summarizer.errors import RateLimited

DOCS = [{"id": "a", "text": "One sentence."}]


def race_for_the_last_slot(first, second) -> tuple[list[int], list[str]]:
    """With a limit of one active job, ``first`` admits a job slowly while ``second`` tries at the
    same moment. Returns the active counts each admit saw and the outcome of each call."""
    seen: list[int] = []
    inside = threading.Event()

    def admit_slowly(active: int) -> None:
        seen.append(active)
        inside.set()
        threading.Event().wait(0.5)  # the other store tries now
        refuse_over_one(active)

    def refuse_over_one(active: int) -> None:
        if active >= 1:
            raise RateLimited("over the limit", 1)

    outcomes: dict[str, str] = {}

    def create(name: str, store, admit) -> None:
        try:
            store.create("owner", DOCS, {}, None, admit)
            outcomes[name] = "created"
        except RateLimited:
            outcomes[name] = "refused"

    def second_admit(active: int) -> None:
        seen.append(active)
        refuse_over_one(active)

    t = threading.Thread(target=create, args=("first", first, admit_slowly))
    t.start()
    assert inside.wait(10)
    create("second", second, second_admit)
    t.join(10)
    return seen, [outcomes["first"], outcomes["second"]]


def assert_one_gets_the_last_slot(first, second) -> None:
    """Run the race on two open stores (closed afterwards): the second must see the first's job."""
    try:
        seen, outcomes = race_for_the_last_slot(first, second)
        assert seen == [0, 1] and outcomes == ["created", "refused"]
        assert first.count_active("owner") == 1
    finally:
        first.close()
        second.close()
