"""``prepare`` reports its progress while it works, not only once it is done."""

from summarizer.contract.documents import Document
from summarizer.prepare.corpus import prepare
from summarizer.prepare.text_memo import TextMemo


def test_prepare_progress_moves_through_every_pass_and_ends_full():
    docs = [Document(f"d{i}", f"Report {i}. Officials said {i} things.\n\nMore text {i}.") for i in range(120)]
    docs += [Document("copy", docs[0].text)]  # an exact copy is prepared once
    events = []
    # A memo of its own: texts another test prepared in this process would be taken from the shared one.
    prepare(docs, progress=lambda stage, info: events.append((stage, dict(info))), memo=TextMemo())
    steps = [info for stage, info in events if stage == "prepare"]
    assert len(steps) > 3 * 2  # several reports in each of the three passes
    done = [s["done"] for s in steps]
    assert done == sorted(done) and len(set(done)) == len(done)
    assert {s["total"] for s in steps} == {3 * 120}
    assert done[-1] == 3 * 120
    assert events[-1][0] == "dedup"
