"""``CachedChatModel``: a content-addressed SQLite cache in front of any ``ChatModel``.

Key = sha256 of everything that shapes the reply: model name, messages, schema and its name,
max_tokens and temperature (a chat model holds no per-run parameters: the request carries them).
``purpose`` is only a log tag and is left out, so the same prompt from two stages is one entry.

Why SQLite in WAL mode: several processes (CLI runs, API workers) may share one cache file;
WAL lets readers and a writer work at once and ``busy_timeout`` makes writers wait, not fail.
sqlite3 calls run in a worker thread (``asyncio.to_thread``) so the event loop never blocks; one
connection guarded by a lock serves all of them. Identical requests in flight at the same time
share one call to the inner model.

Replies with empty content are not stored (a transient glitch must not be replayed forever). A reply
the cache cannot store (its disk is full) is logged and still used: the run does not fail for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Optional

from ..errors import CacheError
from .protocol import ChatModel, ChatReply, ChatRequest

log = logging.getLogger("summarizer.chat.cache")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    reply TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def cache_key(model: ChatModel, request: ChatRequest) -> str:
    material = {
        "v": 2,
        "model": model.model_name,
        "messages": [dict(m) for m in request.messages],
        "schema": request.schema,
        "schema_name": request.schema_name,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "params": model.cache_params(),
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class CachedChatModel(ChatModel):
    """``inner`` behind the cache. Delegates every ``ChatModel`` capability to it explicitly;
    ``inner`` stays reachable for what is specific to one model class (``http_calls`` ...)."""

    def __init__(self, inner: ChatModel, path: Path | str) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.context_window = inner.context_window
        self.max_concurrency = inner.max_concurrency
        self.path = Path(path)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._inflight: dict[str, asyncio.Future[ChatReply]] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0,
                                         isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._conn.execute(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise CacheError(f"cannot open the LLM reply cache at {self.path}: {exc} "
                             "(set SUMMARIZER_CACHE_PATH or SUMMARIZER_NO_CACHE=1)") from exc

    @property
    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}

    @property
    def structured_mode(self) -> Optional[str]:
        return self.inner.structured_mode

    def cache_params(self) -> dict[str, Any]:
        return self.inner.cache_params()

    async def ping(self) -> None:
        await self.inner.ping()

    async def wait_sent(self) -> None:
        await self.inner.wait_sent()

    # -- sqlite, run in a worker thread ---------------------------------------------------------

    def _get(self, key: str) -> Optional[str]:
        try:
            with self._lock:
                row = self._conn.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise CacheError(f"LLM reply cache {self.path} could not be read: {exc}") from exc
        return row[0] if row else None

    def _put(self, key: str, reply: str) -> None:
        try:
            with self._lock:
                self._conn.execute("INSERT OR REPLACE INTO replies (key, model, reply, created) VALUES (?, ?, ?, ?)",
                                   (key, self.model_name, reply, time.time()))
        except sqlite3.Error as exc:
            raise CacheError(f"LLM reply cache {self.path} could not be written: {exc}") from exc

    async def _keep(self, key: str, reply: ChatReply) -> None:
        """Store a reply. A cache that cannot take it (a full disk) costs the next run a call, so
        it is logged, and this run keeps the reply it paid for instead of failing."""
        try:
            await asyncio.to_thread(self._put, key, _encode(reply))
        except CacheError as exc:
            log.warning("LLM reply not cached: %s", exc)

    # -- ChatModel ------------------------------------------------------------------------------

    async def complete(self, request: ChatRequest) -> ChatReply:
        key = cache_key(self.inner, request)
        pending = self._inflight.get(key)
        if pending is not None:  # same request already on its way: share its reply
            await asyncio.wait([pending])  # never cancels the shared call
            if not pending.cancelled():
                reply = pending.result()  # re-raises the shared call's error
                self.hits += 1
                return dataclasses.replace(reply, cached=True)
            return await self.complete(request)  # its owner was cancelled: make our own call
        # Registered before the first await, so concurrent twins find it and wait.
        future: asyncio.Future[ChatReply] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            stored = await asyncio.to_thread(self._get, key)
            if stored is not None:
                self.hits += 1
                reply = _decode(stored)
            else:
                self.misses += 1
                reply = await self.inner.complete(request)
                if reply.content:
                    await self._keep(key, reply)
            future.set_result(reply)
            return reply
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: no "never retrieved" warning if nobody waits
            raise
        finally:
            self._inflight.pop(key, None)

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            with self._lock:
                self._conn.close()


def _encode(reply: ChatReply) -> str:
    data = dataclasses.asdict(reply)
    data.pop("cached", None)
    return json.dumps(data, ensure_ascii=False)


def _decode(blob: str) -> ChatReply:
    data = json.loads(blob)
    fields = {f.name for f in dataclasses.fields(ChatReply)}
    return ChatReply(**{k: v for k, v in data.items() if k in fields}, cached=True)


__all__ = ["CachedChatModel", "cache_key"]
