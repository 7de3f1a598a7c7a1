"""A fake ``ChatModel`` that ships with the package, like httpx's ``MockTransport``.

Tests (ours and users') give it a handler ``request -> str | dict | ChatReply``; dicts are sent as
JSON. No network, no monkeypatching of internals. It counts calls and records requests.
Set ``ping_error`` to make readiness checks (``ping``) fail with that error.
"""

from __future__ import annotations

import asyncio
import json
from typing import Awaitable, Callable, Optional, Union

from ..chat.protocol import ChatModel, ChatReply, ChatRequest
from ..errors import SummarizerError

Handler = Callable[[ChatRequest], Union[str, dict, ChatReply, Awaitable[Union[str, dict, ChatReply]]]]


class FakeChatModel(ChatModel):
    def __init__(self, handler: Handler, model_name: str = "fake", context_window: int = 8192,
                 latency: float = 0.0) -> None:
        self.handler = handler
        self.model_name = model_name
        self.context_window = context_window
        self.latency = latency
        self.requests: list[ChatRequest] = []
        self.ping_error: Optional[SummarizerError] = None
        self.pings = 0

    @property
    def calls(self) -> int:
        return len(self.requests)

    async def complete(self, request: ChatRequest) -> ChatReply:
        self.requests.append(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        out = self.handler(request)
        if asyncio.iscoroutine(out) or isinstance(out, Awaitable):
            out = await out  # type: ignore[misc]
        if isinstance(out, ChatReply):
            return out
        content = json.dumps(out) if isinstance(out, (dict, list)) else str(out)
        prompt_tokens = sum(len(m["content"]) // 4 for m in request.messages)
        return ChatReply(content=content, prompt_tokens=prompt_tokens, completion_tokens=len(content) // 4,
                         structured_mode="json_schema" if request.schema else "")

    async def ping(self) -> None:
        self.pings += 1
        if self.ping_error is not None:
            raise self.ping_error
