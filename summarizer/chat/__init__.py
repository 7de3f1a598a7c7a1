"""Chat transport: a small ``ChatModel`` protocol (``protocol``), the OpenAI-compatible client, the
reply cache, the managed local server, and ``providers`` wiring settings to them. The fake model
for tests lives in ``summarizer.testing.fake_chat``."""

from .protocol import ChatModel, ChatReply, ChatRequest

__all__ = ["ChatModel", "ChatReply", "ChatRequest"]
