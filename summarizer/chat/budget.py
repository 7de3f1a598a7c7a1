"""Context-window accounting: no request may exceed the model's context window.

The one estimate of a prompt's size (``prompt_tokens``), used by the LLM backend's packing and
checks, by ``ask_json`` when it grows a cut-off reply, and by the client when a server reports no
usage. Prompt size is counted with tiktoken (``options.encoding``) and multiplied by ``MARGIN`` because
the served model's own tokenizer may split text differently; the reply's ``max_tokens`` and the
JSON schema (some endpoints put it in the prompt) are added on top. ``check`` runs before every call.
"""

from __future__ import annotations

import json
import math
from typing import Any, Optional

from ..errors import ContextOverflow
from ..prepare.tokens import TokenCounter, get_counter
from .protocol import ChatRequest

MARGIN = 1.2
PER_MESSAGE = 8  # role markers and separators of a chat template


def prompt_tokens(messages: "tuple[dict[str, str], ...] | list[dict[str, str]]",
                  schema: Optional[dict[str, Any]] = None, counter: Optional[TokenCounter] = None) -> int:
    """Tokens of ``messages`` (plus ``schema``, which some endpoints paste into the prompt)."""
    counter = counter or get_counter()
    n = sum(counter.count(m["content"]) + PER_MESSAGE for m in messages)
    if schema is not None:
        n += counter.count(json.dumps(schema))
    return n


class Budget:
    def __init__(self, counter: TokenCounter, context_window: int) -> None:
        self.counter = counter
        self.context_window = context_window
        self.largest = 0  # largest request seen, in estimated tokens (stats)

    def prompt_tokens(self, messages: tuple[dict[str, str], ...], schema: Optional[dict[str, Any]] = None) -> int:
        return prompt_tokens(messages, schema, self.counter)

    def estimate(self, prompt_tokens: int, max_tokens: int) -> int:
        return math.ceil(prompt_tokens * MARGIN) + max_tokens

    def room(self, fixed_prompt_tokens: int, max_tokens: int) -> int:
        """Raw (unmargined) tokens still available for variable content after the fixed part."""
        return math.floor((self.context_window - max_tokens) / MARGIN) - fixed_prompt_tokens

    def check(self, request: ChatRequest) -> int:
        need = self.estimate(self.prompt_tokens(request.messages, request.schema), request.max_tokens)
        if need > self.context_window:
            raise ContextOverflow(
                f"{request.purpose or 'request'} needs about {need} tokens (prompt x{MARGIN} + {request.max_tokens} "
                f"for the reply) but the model's context window is {self.context_window}"
            )
        self.largest = max(self.largest, need)
        return need
