"""Evidence: exact citations (``citations.enforce`` checks every one), lexical support of a
sentence by its passages, conflicts between sources, and the text statistics they share."""
