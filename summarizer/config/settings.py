"""Process-wide settings: from arguments, ``SUMMARIZER_*`` environment variables, or ``.env``.

Per-request choices live in ``options.SummaryOptions``; these are the operator's settings
(endpoint, credentials, concurrency, storage). Secrets are ``SecretStr`` so they never print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".cache" / "summarizer"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUMMARIZER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Which backend runs when a request does not say: "local" unless an endpoint is configured.
    backend: Optional[str] = None

    # LLM endpoint (OpenAI-compatible).
    base_url: Optional[str] = Field(None, description="e.g. http://127.0.0.1:8080/v1")
    model: Optional[str] = None
    # Models a request may pick with options.model (comma-separated); unset: only ``model``.
    allowed_models: Optional[str] = None
    api_key: Optional[SecretStr] = None
    connect_timeout: float = 10.0
    request_timeout: float = 300.0
    max_retries: int = 5
    retry_max_wait: float = 30.0
    max_concurrency: int = 4
    context_window: int = 8192
    max_output_tokens: int = 512
    temperature: float = 0.0

    # Bundled local model (llama-cpp-python server).
    local_model_path: Optional[Path] = None
    local_threads: Optional[int] = None
    local_startup_timeout: float = 120.0
    # Extra buffer types (CPU repacking, Intel AMX): "auto" = on unless the CPU advertises AMX,
    # falling back to "off" if the server dies while starting.
    local_extra_buffers: Literal["auto", "on", "off"] = "auto"

    # Storage.
    data_dir: Path = Field(default_factory=default_data_dir)
    cache_path: Optional[Path] = None  # LLM reply cache (SQLite); default data_dir/llm-cache.sqlite3
    no_cache: bool = False
    db_path: Optional[Path] = None  # job store (SQLite); default data_dir/jobs.sqlite3

    # Service.
    api_keys: Optional[SecretStr] = Field(None, description="comma-separated bearer keys")
    max_request_bytes: int = 10_000_000
    max_documents: int = 200
    max_document_chars: int = 2_000_000
    max_running_jobs: int = 4  # jobs run at once per process (LLM calls are bounded by max_concurrency)
    max_queued_jobs: int = 100  # jobs waiting in the store (all processes): more is a 429
    plugins: Optional[str] = Field(None, description="comma-separated modules imported at start (CLI and service)")

    def default_backend(self) -> str:
        if self.backend:
            return self.backend
        return "openai" if self.base_url else "local"

    def resolved_cache_path(self) -> Path:
        return self.cache_path or self.data_dir / "llm-cache.sqlite3"

    def resolved_db_path(self) -> Path:
        return self.db_path or self.data_dir / "jobs.sqlite3"
