"""The ``ChatModel`` protocol: one chat completion, nothing else.

Separates *what* is asked (summarization logic in ``backends/llm/``) from *where* it goes (the
OpenAI-compatible HTTP client, a cache in front of it, or ``FakeChatModel`` in tests), the way
pydantic-ai separates a model from its provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Protocol, runtime_checkable


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[dict[str, str], ...]  # ({"role": "system"|"user"|"assistant", "content": str}, ...)
    #: JSON schema the reply must follow (structured output), or None for free text.
    schema: Optional[dict[str, Any]] = None
    schema_name: str = "reply"
    max_tokens: int = 512
    temperature: float = 0.0
    #: Free-form tag for logs/metrics/progress ("map:000_...", "reduce:1", "conflicts").
    purpose: str = ""


@dataclass
class ChatReply:
    content: str
    finish_reason: str = "stop"  # "stop", "length", ...
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    #: How structured output was obtained: "json_schema", "json_object", "instructions", or "".
    structured_mode: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class ChatModel(Protocol):
    """An LLM that answers one chat request at a time (callers run many concurrently)."""

    model_name: str
    context_window: int

    async def complete(self, request: ChatRequest) -> ChatReply:
        ...

    async def aclose(self) -> None:
        ...
