"""Job webhooks: a signed POST to the job's ``webhook_url`` when it ends (succeeded, failed, cancelled).

Who may be called is the operator's choice: only http(s) URLs whose host is in
``SUMMARIZER_WEBHOOK_HOSTS`` are accepted at submission (``check_webhook_url``), and redirects are
not followed, so a job cannot make the server call anything else. Each delivery is signed with
HMAC-SHA256 under ``SUMMARIZER_WEBHOOK_SECRET`` over ``"{timestamp}.{body}"`` (see ``sign``), so a
receiver can check both origin and freshness. Deliveries run as background tasks (the job runner
never waits for a receiver) and are retried with doubling waits up to ``webhook_max_attempts``
tries; every failure is logged with the URL redacted.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import Optional
from urllib.parse import urlsplit

import httpx

from ..config.settings import Settings
from ..errors import ConfigError, InputError
from ..redact import redact_url
from . import jobstore as js
from .routes_jobs import job_view

log = logging.getLogger("summarizer.service.webhooks")

SIGNATURE_HEADER = "X-Summarizer-Signature"
TIMESTAMP_HEADER = "X-Summarizer-Timestamp"
DELIVERY_HEADER = "X-Summarizer-Delivery"
#: Seconds one delivery attempt may take (connect, send, answer).
ATTEMPT_TIMEOUT = 10.0
#: The longest wait between two attempts.
MAX_RETRY_WAIT = 300.0
_DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """``SUMMARIZER_WEBHOOK_HOSTS`` entries, lower-cased: ``host`` (any port) or ``host:port``."""
    return frozenset(h.strip().lower() for h in (settings.webhook_hosts or "").split(",") if h.strip())


def check_settings(settings: Settings) -> None:
    """At start: hosts without a secret would send unsigned (forgeable) notifications."""
    if allowed_hosts(settings) and settings.webhook_secret is None:
        raise ConfigError("SUMMARIZER_WEBHOOK_HOSTS is set but SUMMARIZER_WEBHOOK_SECRET is not: "
                          "webhooks are signed, so set a secret (or unset the hosts)")


def check_webhook_url(url: Optional[str], settings: Settings) -> Optional[str]:
    """``url`` if a job may call it; otherwise an InputError (422) naming ``webhook_url``."""
    if url is None:
        return None
    hosts = allowed_hosts(settings)
    if not hosts:
        raise InputError("webhook_url: webhooks are not enabled on this server "
                         "(the operator allows hosts with SUMMARIZER_WEBHOOK_HOSTS)", field="webhook_url")
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError as exc:
        raise InputError(f"webhook_url: not a URL ({exc})", field="webhook_url") from exc
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InputError("webhook_url: must be an http:// or https:// URL with a host", field="webhook_url")
    host = parts.hostname.lower()
    if host not in hosts and f"{host}:{port}" not in hosts:
        raise InputError(f"webhook_url: host {host[:100]!r} is not allowed on this server; allowed: "
                         f"{', '.join(sorted(hosts)[:10])}", field="webhook_url")
    return url


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` + hex HMAC-SHA256 of ``timestamp + "." + body``."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(job: js.Job) -> bytes:
    """What a receiver gets: the event, the job as GET /v1/jobs/{id} shows it, and where to read more."""
    base = f"/v1/jobs/{job.id}"
    body = {"type": f"job.{job.status}",
            "job": job_view(job),
            "links": {"self": base, "result": f"{base}/result"}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookSender:
    """Delivers webhooks in background tasks; ``aclose`` waits briefly for those in flight."""

    def __init__(self, settings: Settings, client: Optional[httpx.AsyncClient] = None) -> None:
        self.settings = settings
        secret = settings.webhook_secret
        self._secret = secret.get_secret_value().encode() if secret is not None else b""
        self._client = client or httpx.AsyncClient(timeout=ATTEMPT_TIMEOUT, follow_redirects=False,
                                                   trust_env=False)
        self._tasks: set[asyncio.Task] = set()

    def job_finished(self, job: js.Job, url: Optional[str]) -> None:
        """Start delivering ``job``'s final state to ``url`` (None: the job has no webhook)."""
        if url is None or not job.finished:
            return
        if not self._secret:  # check_settings refuses hosts without a secret; a stored URL may outlive them
            log.error("webhook not sent: SUMMARIZER_WEBHOOK_SECRET is unset",
                      extra={"job_id": job.id, "url": redact_url(url)})
            return
        task = asyncio.create_task(self._deliver_logged(job, url), name=f"webhook-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _attempt(self, url: str, body: bytes, delivery: str) -> str:
        """One POST; "" on a 2xx, else what went wrong (for the log)."""
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "User-Agent": "summarizer-webhook/1",
                   TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(self._secret, timestamp, body),
                   DELIVERY_HEADER: delivery}
        try:
            resp = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        return "" if 200 <= resp.status_code < 300 else f"HTTP {resp.status_code}"

    async def _deliver(self, job: js.Job, url: str) -> None:
        body, delivery = payload(job), uuid.uuid4().hex  # the same body and delivery id on every try
        shown = redact_url(url)
        wait = self.settings.webhook_retry_seconds
        attempts = self.settings.webhook_max_attempts
        for attempt in range(1, attempts + 1):
            problem = await self._attempt(url, body, delivery)
            extra = {"job_id": job.id, "url": shown, "attempt": attempt, "delivery": delivery}
            if not problem:
                log.info("webhook delivered", extra=extra)
                return
            if attempt == attempts:
                log.error("webhook delivery failed (%s); giving up after %d tries", problem, attempts, extra=extra)
                return
            log.warning("webhook delivery failed (%s); retry in %.1f s", problem, wait, extra=extra)
            await asyncio.sleep(wait)
            wait = min(wait * 2, MAX_RETRY_WAIT)

    async def _deliver_logged(self, job: js.Job, url: str) -> None:
        try:
            await self._deliver(job, url)
        except Exception:  # a bug: logged as JSON here, not "Task exception was never retrieved"
            log.exception("webhook delivery crashed", extra={"job_id": job.id, "url": redact_url(url)})

    async def aclose(self, grace: float = 5.0) -> None:
        """Give deliveries in flight ``grace`` seconds, then stop them (logged), and close the client."""
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
                log.warning("webhook delivery stopped by shutdown", extra={"task": task.get_name()})
            await asyncio.gather(*pending, return_exceptions=True)
        await self._client.aclose()


__all__ = ["DELIVERY_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebhookSender", "allowed_hosts",
           "check_settings", "check_webhook_url", "payload", "sign"]
