"""The front half of every run: clean, segment, count tokens and deduplicate (``corpus.prepare``)."""
