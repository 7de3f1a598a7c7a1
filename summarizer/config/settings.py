"""Process-wide settings: from arguments, ``SUMMARIZER_*`` environment variables, ``.env``, the
user's config file, or ``OPENAI_API_KEY``/``OPENAI_BASE_URL`` (in that order; see ``sources.py``).

Per-request choices live in ``options.SummaryOptions``; these are the operator's settings
(endpoint, credentials, concurrency, storage). Secrets are ``SecretStr`` so they never print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .sources import openai_fallback_source, user_config_source


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
    # Keep the server's log (llama.cpp's timings per completion) at this path, appended to;
    # by default it goes to a temp file removed when the server stops.
    local_log: Optional[Path] = None

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
    # Worker processes for CPU-bound runs (the extractive backend) of `serve` and `worker`, so one
    # process uses every core; unset = one per usable core (none on one core), 0 = in the process.
    cpu_processes: Optional[int] = Field(None, ge=0)
    # /metrics needs an API key when keys are set, unless this is true (a scraper on a private network).
    metrics_public: bool = False
    max_queued_jobs: int = 100  # jobs waiting in the store (all processes): more is a 429
    # A whole run's deadline: a synchronous request (then a 504 saying how far it got), and a job
    # (then failed, input kept). One LLM call may take request_timeout x (max_retries + 1) alone.
    sync_deadline_seconds: float = Field(300.0, gt=0)
    job_deadline_seconds: float = Field(3600.0, gt=0)
    # Per API key (only when keys are set): POST requests per minute (in each process), and jobs
    # queued or running at once (counted in the store, so across processes); 0 turns a limit off.
    key_rate_per_minute: int = Field(600, ge=0)
    key_max_active_jobs: int = Field(20, ge=0)
    # New jobs are a 507 while the SQLite job database's disk has less free space than this.
    min_free_disk_mb: float = Field(50.0, ge=0)
    plugins: Optional[str] = Field(None, description="comma-separated modules imported at start (CLI and service)")
    # Finished jobs (input, result, everything) are deleted this many days after they finished,
    # by a sweep every ``retention_sweep_seconds``; 0 keeps them until DELETE /v1/jobs/{id}.
    retention_days: float = Field(30.0, ge=0)
    retention_sweep_seconds: float = Field(3600.0, gt=0)
    # Job webhooks: POSTed on completion only to these hosts (comma-separated, "host" or
    # "host:port"; unset = webhook_url refused), signed with the secret (HMAC-SHA256).
    webhook_hosts: Optional[str] = None
    webhook_secret: Optional[SecretStr] = None
    webhook_max_attempts: int = Field(5, ge=1, le=20)  # a failed delivery is retried up to this many tries
    webhook_retry_seconds: float = Field(2.0, gt=0)  # wait before the first retry; doubles, at most 5 minutes

    # Scale-out: PostgreSQL as the shared job store and queue (unset = the SQLite file above).
    database_url: Optional[SecretStr] = Field(None, description="postgresql://user:pass@host:5432/db")
    with_worker: bool = False  # `serve` with a database URL also runs jobs in-process
    worker_concurrency: int = 4  # jobs one worker process runs at once
    # A worker whose heartbeat is older than this is dead; its jobs go to another worker.
    worker_lease_seconds: float = 20.0
    worker_drain_seconds: float = 30.0  # on SIGTERM: wait this long for running jobs, then hand them back
    max_job_attempts: int = 3  # a job whose worker died this many times is failed (input kept)

    # What LLM calls cost, per 1,000 tokens, in ``price_currency``: the CLI's end-of-run line shows
    # the run's cost when both are set.
    price_prompt_per_1k: Optional[float] = Field(None, ge=0)
    price_completion_per_1k: Optional[float] = Field(None, ge=0)
    price_currency: str = "USD"

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: arguments > environment > .env > config file > OPENAI_* fallbacks.
        return (init_settings, env_settings, dotenv_settings, user_config_source(settings_cls),
                openai_fallback_source(settings_cls), file_secret_settings)

    def default_backend(self) -> str:
        if self.backend:
            return self.backend
        return "openai" if self.base_url else "local"

    def resolved_cache_path(self) -> Path:
        return self.cache_path or self.data_dir / "llm-cache.sqlite3"

    def resolved_db_path(self) -> Path:
        return self.db_path or self.data_dir / "jobs.sqlite3"
