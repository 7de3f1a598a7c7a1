"""Shared pieces of the LLM stages: reply shapes, their JSON schemas, and one checked call."""

from __future__ import annotations

import json
import re
from typing import Any, Optional, TypeVar

from pydantic import BaseModel

from ...chat.protocol import ChatRequest
from ...chat.structured import ask_json
from ...errors import ContextOverflow, LLMReplyError
from . import prompts
from .context import RunContext

T = TypeVar("T", bound=BaseModel)
# "[3]" numbering and "(S1, S2)" source labels that weak models copy from the prompt.
_NUMBER_TAG = re.compile(r"\[\d+\]\s*|\((?:S\d+(?:,\s*)?)+\)\s*")


class GenSentence(BaseModel):
    # Lenient on purpose: the schema constrains the model, validation only needs the shape.
    text: str = ""
    cites: list[int] = []


class SentencesReply(BaseModel):
    sentences: list[GenSentence] = []


class GenConflict(BaseModel):
    pair: int = 0
    text: str = ""


class ConflictsReply(BaseModel):
    conflicts: list[GenConflict] = []


def sentences_schema(max_sentences: int, n_passages: int) -> dict[str, Any]:
    """Schema for {"sentences": [{"text", "cites": [1..n]}]}, bounded so a weak model stays short."""
    return {
        "type": "object",
        "properties": {
            "sentences": {
                "type": "array",
                "maxItems": max_sentences,
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "maxLength": 300},
                        "cites": {
                            "type": "array",
                            "items": {"type": "integer", "minimum": 1, "maximum": max(1, n_passages)},
                            "minItems": 1,
                            "maxItems": 4,
                        },
                    },
                    "required": ["text", "cites"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["sentences"],
        "additionalProperties": False,
    }


def conflicts_schema(n_pairs: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "conflicts": {
                "type": "array",
                "maxItems": max(1, n_pairs),
                "items": {
                    "type": "object",
                    "properties": {
                        "pair": {"type": "integer", "minimum": 1, "maximum": max(1, n_pairs)},
                        "text": {"type": "string", "maxLength": 300},
                    },
                    "required": ["pair", "text"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["conflicts"],
        "additionalProperties": False,
    }


def example_reply(text: str, key: str = "sentences", number_field: str = "cites") -> str:
    """A format example built from real input (passage/fact/pair 1).

    A weak model copies the example it is shown; a placeholder ("A short fact.") would be copied
    verbatim and rejected, while a real first passage at least yields a supported sentence. (Cut
    to its first words it saved ~25 tokens a call, but the bundled model copied the fragment as a
    fact: the whole passage stays.)
    """
    item = {"text": text, number_field: [1]} if number_field == "cites" else {number_field: 1, "text": text}
    return json.dumps({key: [item]}, ensure_ascii=False)


def strip_tags(text: str) -> str:
    """Weak models copy the "[3]" numbering into their text; it is not part of the sentence."""
    return " ".join(_NUMBER_TAG.sub("", str(text)).split())


def focus_line(focus: Optional[str]) -> str:
    """The prompts' ``{focus}``: nothing, or one sentence asking to favour what answers it."""
    return f"\nThe reader asks: {focus} Prefer facts that answer this." if focus else ""


def use_template(run: RunContext, name: str) -> prompts.Template:
    t = prompts.load(name)
    run.prompts[t.name] = t.sha256
    return t


async def call(run: RunContext, template: prompts.Template, values: dict[str, Any], schema: dict[str, Any],
               output_type: type[T], max_tokens: int, purpose: str) -> Optional[T]:
    """One structured call; None (counted) when the reply stays unusable.

    Raises ``ContextOverflow`` when the request itself cannot fit: callers size their requests
    with ``run.budget`` and must never send one that does not."""
    request = ChatRequest(
        messages=template.render(**values),
        schema=schema,
        schema_name=output_type.__name__,
        max_tokens=max_tokens,
        temperature=run.config.temperature,
        purpose=purpose,
    )
    chat = run.guarded_chat()  # checks every request of this call against the budget, once
    try:
        parsed, _ = await ask_json(chat, request, output_type)
    except (LLMReplyError, ContextOverflow) as exc:
        if chat.first_request_too_big:
            raise
        # A repair round or a grown max_tokens that would not fit is, like an unusable reply,
        # counted and reported, and the caller falls back to a deterministic answer.
        run.counters.failed_replies += 1
        run.progress("warning", {"stage": purpose, "error": str(exc)[:200]})
        return None
    return parsed
