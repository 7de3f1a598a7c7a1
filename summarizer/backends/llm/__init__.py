"""The LLM backend (``backend.LLMBackend``): map each source (``map_stage``), reduce to a consolidated
summary (``reduce_stage``), confirm conflicts (``conflicts_stage``), within a token budget
(``budget``), with source chunking and versioned prompts. Imported lazily through the provider registry (``chat/registry``)."""
