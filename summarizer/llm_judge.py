"""The optional LLM-judge tier of grounding: a short entailment question to the configured
OpenAI-compatible endpoint, answered in JSON (``prompts/judge.v1.md``).

Off by default: the deterministic engine (``evidence/grounding.py``) decides unless the caller
turns the judge on for a capable model. The engine still chooses the evidence passages; the judge
only rules on them. Every call goes through the chat client, so it is retried, size-checked by
the model's context window and cached in the reply cache like every other call.
"""

from __future__ import annotations

from typing import Literal, Sequence

from pydantic import BaseModel

from .backends.llm import prompts
from .chat.protocol import ChatModel, ChatRequest
from .chat.structured import ask_json

Status = Literal["supported", "unsupported", "contradicted"]
JUDGE_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["supported", "unsupported", "contradicted"]},
        "reason": {"type": "string", "maxLength": 200},
    },
    "required": ["verdict"],
    "additionalProperties": False,
}


class JudgeReply(BaseModel):
    verdict: Status
    reason: str = ""


async def llm_judge(model: ChatModel, claim: str, passages: Sequence[str], temperature: float = 0.0) -> JudgeReply:
    """Does the concatenation of ``passages`` entail ``claim``? Raises ``LLMReplyError`` (or the
    transport's errors) when the model gives no usable answer."""
    template = prompts.load("judge")
    numbered = "\n".join(f"[{i}] {' '.join(p.split())}" for i, p in enumerate(passages, 1)) or "(none)"
    request = ChatRequest(messages=template.render(passages=numbered, claim=" ".join(claim.split())),
                          schema=JUDGE_SCHEMA, schema_name="JudgeReply", max_tokens=120, temperature=temperature,
                          purpose="judge")
    reply, _ = await ask_json(model, request, JudgeReply)
    return reply
