"""The ``ChatModel`` base class: one chat completion, plus optional capabilities with defaults.

Separates *what* is asked (summarization logic in ``backends/llm/``) from *where* it goes (the
OpenAI-compatible HTTP client, a cache in front of it, or ``FakeChatModel`` in tests), the way
pydantic-ai separates a model from its provider.

Only ``complete`` is required. The optional capabilities (``ping``, ``aclose``,
``structured_mode``, ``cache_params``, ``max_concurrency``, ``wait_sent``) are declared here with defaults that are right for an
in-process model, so callers call them directly instead of probing with ``getattr``; a model
that talks to something remote overrides them (``OpenAIChatModel.ping`` contacts the endpoint).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Optional


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


class ChatModel(abc.ABC):
    """An LLM that answers one chat request at a time (callers run many concurrently)."""

    #: The model's name as the endpoint knows it (also part of reply-cache keys).
    model_name: str
    #: Tokens the model can take, prompt and reply together.
    context_window: int
    #: Requests the model takes at once; the LLM stages prepare about that many ahead of a slot.
    max_concurrency: int = 4

    @abc.abstractmethod
    async def complete(self, request: ChatRequest) -> ChatReply:
        """Answer ``request``; failures are errors of ``summarizer.errors`` (``LLMError`` ...)."""

    async def ping(self) -> None:
        """Raise a ``SummarizerError`` if the model cannot take requests now (readiness checks).

        Default: nothing to check, for a model that lives in this process."""
        return None

    async def aclose(self) -> None:
        """Release what the model holds (HTTP clients, files). Default: nothing to release."""
        return None

    async def wait_sent(self) -> None:
        """Return once every request this model has started to send is on the wire, so that CPU
        work begun now does not hold one back. Default: nothing is sent (an in-process model)."""
        return None

    @property
    def structured_mode(self) -> Optional[str]:
        """How structured output is obtained from this model, once known ("json_schema", ...)."""
        return None

    def cache_params(self) -> dict[str, Any]:
        """Parameters beyond the request that change the reply (part of reply-cache keys)."""
        return {}
