"""Per-run options: what a caller may choose for one summary (CLI flags, API ``options``).

Unknown fields are rejected (``extra="forbid"``) so a typo gets a 422 naming the field rather
than being silently ignored. Endpoint settings (URL, key, concurrency) live in ``settings.py``.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

FOCUS_MAX_CHARS = 1000


class SummaryOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Optional[str] = Field(None, description="extractive, openai, local, or a plugin name")
    model: Optional[str] = Field(None, description="model name for LLM backends")
    temperature: Optional[float] = Field(None, ge=0.0, le=2.0, allow_inf_nan=False)
    per_source_sentences: int = Field(3, ge=1, le=20)
    consolidated_sentences: int = Field(6, ge=1, le=40)
    find_conflicts: bool = True
    encoding: str = Field("cl100k_base", description="tiktoken encoding used to count tokens")
    chunk_tokens: int = Field(512, ge=16, le=100_000)
    chunk_overlap: int = Field(64, ge=0, le=10_000)
    dedup_threshold: float = Field(0.7, gt=0.0, le=1.0, allow_inf_nan=False)
    words: Optional[int] = Field(
        None, ge=20, le=5000,
        description="length of the consolidated summary in words (honoured within 10%, whole sentences); "
                    "per-source summaries get the same share of it as per_source_sentences is of "
                    "consolidated_sentences (half by default). Unset: the sentence counts decide")
    focus: Optional[str] = Field(
        None, min_length=1, max_length=FOCUS_MAX_CHARS,
        description="what the summary should answer (a topic or question); selection and LLM prompts favour it")

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_chunk(cls, overlap: int, info: ValidationInfo) -> int:
        tokens = info.data.get("chunk_tokens")
        if tokens is not None and overlap >= tokens:
            raise ValueError(f"must be less than chunk_tokens ({tokens})")
        return overlap

    @field_validator("focus")
    @classmethod
    def _focus_is_text(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        if not value.strip():
            raise ValueError("focus is blank: give a topic or a question, or leave it out")
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
            raise ValueError("focus holds control characters")
        return " ".join(value.split())
