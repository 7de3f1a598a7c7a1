"""``ask_json``: ask any ``ChatModel`` for a reply that validates against a pydantic model.

Small local models wrap JSON in code fences or prose, stop early, or miss a field. The policy:

1. parse leniently: strip code fences and leading/trailing text, take the first JSON object;
2. a reply cut off at ``max_tokens`` (``finish_reason == "length"``) is retried once with twice
   the budget if that still fits the context window, else ``ContextOverflow``;
3. a reply that does not parse or validate (or is empty) gets ONE repair round: the bad reply is
   sent back with the error and a request for corrected JSON;
4. anything still wrong -> ``LLMReplyError`` with a message saying what was wrong.

Every reply received is returned too (token accounting, structured_mode, cache hits).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Optional, TypeVar

import pydantic

from ..errors import ContextOverflow, LLMReplyError
from .budget import prompt_tokens
from .protocol import ChatModel, ChatReply, ChatRequest

T = TypeVar("T", bound=pydantic.BaseModel)

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


class ReplyParseError(ValueError):
    """Internal: the reply text is not a usable JSON object; the message is shown to the model."""


def extract_json_object(text: str) -> dict[str, Any]:
    """The first JSON object in ``text`` (code fences and surrounding prose are ignored)."""
    if not text or not text.strip():
        raise ReplyParseError("the reply was empty")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    # strict=False: raw control characters inside strings are accepted. llama-cpp-python's
    # JSON-schema grammar allows them (its ``char`` rule is ``[^"\\]``), and weak models write
    # them (a newline inside a quoted sentence) again in the repair round.
    decoder = json.JSONDecoder(strict=False)
    first_error: Optional[str] = None
    for candidate in candidates:
        for start in (i for i, ch in enumerate(candidate) if ch == "{"):
            try:
                obj, _ = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError as exc:
                first_error = first_error or f"invalid JSON: {exc.msg} at position {exc.pos}"
                continue
            if isinstance(obj, dict):
                return obj
    raise ReplyParseError(first_error or "the reply contains no JSON object")


def parse_reply(text: str, output_type: type[T]) -> T:
    obj = extract_json_object(text)
    try:
        return output_type.model_validate(obj)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()[:10]
        )
        raise ReplyParseError(f"the JSON does not match the schema: {problems}") from exc


def _repair_request(request: ChatRequest, bad: str, error: str) -> ChatRequest:
    messages = tuple(request.messages) + (
        {"role": "assistant", "content": bad},
        {"role": "user", "content": (
            f"Your reply could not be used: {error}. Reply again with only the corrected JSON "
            "object, following the schema exactly, and nothing else.")},
    )
    return dataclasses.replace(request, messages=messages, purpose=f"{request.purpose}:repair".lstrip(":"))


def _bigger_request(model: ChatModel, request: ChatRequest, reply: ChatReply) -> ChatRequest:
    prompt = reply.prompt_tokens or prompt_tokens(request.messages, request.schema)
    room = model.context_window - prompt - 16
    new_max = min(request.max_tokens * 2, room)
    if new_max <= request.max_tokens:
        raise ContextOverflow(
            f"the reply to {request.purpose or 'a request'} was cut off at max_tokens="
            f"{request.max_tokens} and a larger reply does not fit the context window of "
            f"{model.context_window} tokens (prompt ~{prompt} tokens); use smaller chunks or a "
            "model with a larger context (SUMMARIZER_CONTEXT_WINDOW)")
    return dataclasses.replace(request, max_tokens=new_max)


async def ask_json(model: ChatModel, request: ChatRequest, output_type: type[T]) -> tuple[T, list[ChatReply]]:
    """Ask ``model`` and return the reply parsed as ``output_type``, plus every reply received."""
    if request.schema is None:
        request = dataclasses.replace(request, schema=output_type.model_json_schema(),
                                      schema_name=request.schema_name if request.schema_name != "reply"
                                      else output_type.__name__)
    replies: list[ChatReply] = []
    grown = repaired = False
    base = request  # the request a repair round builds on (with any max_tokens growth)
    current = request
    while True:
        reply = await model.complete(current)
        replies.append(reply)
        if reply.finish_reason == "length":
            if grown:
                raise LLMReplyError(
                    f"the reply to {request.purpose or 'a request'} was cut off twice at max_tokens "
                    f"(last limit {current.max_tokens}); the model did not finish its JSON")
            current = _bigger_request(model, current, reply)
            base = dataclasses.replace(base, max_tokens=current.max_tokens)
            grown = True
            continue
        try:
            return parse_reply(reply.content, output_type), replies
        except ReplyParseError as exc:
            if repaired:
                raise LLMReplyError(
                    f"the model's reply to {request.purpose or 'a request'} is not valid "
                    f"{output_type.__name__} JSON even after a repair round: {exc}. "
                    f"Reply began: {reply.content[:200]!r}") from exc
            current = _repair_request(base, reply.content, str(exc))
            repaired = True


__all__ = ["ask_json", "extract_json_object", "parse_reply"]
