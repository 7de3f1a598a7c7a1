"""``ask_json``: one structured call with one repair round.

The real implementation is the LLM client's (``summarizer/llm/structured.py``, branch llm-client);
this module uses it when present. Until that lands, a minimal local stand-in with the same
signature ``ask_json(model, request, output_type) -> (parsed, replies)`` keeps the backend
working against any ``ChatModel``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import LLMReplyError
from ..llm.base import ChatModel, ChatReply, ChatRequest

T = TypeVar("T", bound=BaseModel)


async def _local_ask_json(model: ChatModel, request: ChatRequest, output_type: type[T]) -> tuple[T, list[ChatReply]]:
    replies: list[ChatReply] = []
    req = request
    for attempt in range(2):
        reply = await model.complete(req)
        replies.append(reply)
        try:
            return output_type.model_validate_json(reply.content), replies
        except ValidationError as exc:
            problem = str(exc).splitlines()[0] if reply.finish_reason != "length" else "reply was cut off (too long)"
            if attempt == 1:
                raise LLMReplyError(f"{request.purpose or 'LLM'} reply is not valid JSON for the schema: {problem}") from exc
            req = replace(
                request,
                messages=request.messages
                + (
                    {"role": "assistant", "content": reply.content[:2000]},
                    {"role": "user", "content": f"That reply was invalid ({problem}). Reply again with only valid, shorter JSON."},
                ),
                purpose=f"{request.purpose}:repair",
            )
    raise AssertionError("unreachable")


try:  # pragma: no cover - depends on whether llm-client is merged
    from ..llm.structured import ask_json  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    ask_json = _local_ask_json
