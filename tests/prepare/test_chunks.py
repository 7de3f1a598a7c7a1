"""The run's chunk table: each passage's chunks are its ``split()``, its token count is exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.prepare.chunks import sentence_chunks, spaces_only, token_counts
from summarizer.prepare.tokens import TokenCounter

from ..conftest import documents_text, messy_text

# Chunks and the whitespace between them, runs of spaces among it: tiktoken reads a run of k
# spaces before a word as k - 1 spaces and the word with one.
PIECES = ["a", "The", "bridge", "5", "000", ".", ",", "“Hello", "there.”", "(Reuters)", "don't", "'s", "½", "ΟΔΟΣ",
          "Kharkiv’s", "$350", "-", "_", "x.y.", "!!", "\u200b", "\u00ad"]
GAPS = ["", " ", "  ", "   ", "    ", "\n", " \n ", "\t", "\u00a0", "\u202f", "\u3000", " \u00a0 "]
spaced = st.lists(st.tuples(st.sampled_from(GAPS), st.sampled_from(PIECES)), max_size=25).map(
    lambda ps: "".join(g + p for g, p in ps))
passages = st.lists(st.one_of(spaced, messy_text, documents_text(), st.text(max_size=60)), max_size=12)


@given(passages.flatmap(lambda ps: st.permutations(ps + ps[:2])))
@settings(max_examples=400, deadline=None)
def test_each_passage_is_its_chunks_and_counts_its_tokens(texts):
    counter = TokenCounter()
    table = sentence_chunks(texts)
    assert len(table.row) == len(texts)
    for k, text in enumerate(texts):
        assert table.texts[table.row[k]] == text
        assert table.chunks(int(table.row[k])) == text.split()
    assert table.spaced.tolist() == [spaces_only(t) for t in table.texts]
    joined, ends = table.joined
    assert (joined.split("\n") if table.vocab else []) == table.vocab and ends.tolist() == [len("\n".join(table.vocab[: k + 1])) + 1
                                                                   for k in range(len(table.vocab))]
    assert token_counts(table, counter) == [len(counter.encoding.encode_ordinary(t)) for t in texts]
