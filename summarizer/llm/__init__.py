"""LLM access: a small ``ChatModel`` protocol, the OpenAI-compatible client, the reply cache,
the managed local server, and a fake model for tests."""

from .base import ChatModel, ChatReply, ChatRequest
from .fake import FakeChatModel

__all__ = ["ChatModel", "ChatReply", "ChatRequest", "FakeChatModel"]
