"""The edges of a run: reading documents from files (``ingest``, ``htmltext``) and rendering a
result as Markdown (``render``)."""
