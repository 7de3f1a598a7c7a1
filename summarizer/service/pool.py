"""One shared backend instance per (backend name, model) per process.

Sharing matters for LLM backends: their ChatModel holds the semaphore that bounds concurrent LLM
calls, so every job and request goes through ONE limit. Instances are created lazily (the local
model starts a server) and closed on shutdown.
"""

from __future__ import annotations

import asyncio
from typing import Optional

from .. import backends
from ..config.options import SummaryOptions
from ..config.run_config import resolve
from ..config.settings import Settings


class BackendPool:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._instances: dict[tuple[str, Optional[str]], backends.Backend] = {}
        self._lock = asyncio.Lock()

    def resolve(self, options: SummaryOptions) -> tuple[str, Optional[str]]:
        """The (name, model) key a request runs on; unknown names are a ConfigError (422)."""
        config = resolve(self.settings, options)
        backends.check_name(config.backend)
        return config.backend, config.model

    async def get(self, options: SummaryOptions) -> backends.Backend:
        key = self.resolve(options)
        async with self._lock:
            backend = self._instances.get(key)
            if backend is None:
                name, model = key
                # Created from the key alone, so the instance does not depend on whichever
                # request happened to come first; per-run choices still reach summarize().
                backend = backends.create(name, self.settings, SummaryOptions(backend=name, model=model))
                self._instances[key] = backend
            return backend

    async def aclose(self) -> None:
        async with self._lock:
            instances, self._instances = list(self._instances.values()), {}
        for backend in instances:
            await backend.aclose()
