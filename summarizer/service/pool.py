"""One shared backend instance per backend name per process, and one LLM client per endpoint.

Sharing matters for LLM backends: their ChatModel holds the semaphore that bounds concurrent LLM
calls, so every job and request goes through ONE limit. Instances are created lazily (the local
model starts a server) and closed on shutdown.

``options.model`` picks the model an endpoint runs, for the backends in ``MODEL_BACKENDS``; it is
checked against ``SUMMARIZER_ALLOWED_MODELS`` (unset: only ``SUMMARIZER_MODEL``), so the number of
model names, and so of backend instances, is the operator's choice, not the callers'. All models
of one endpoint share its HTTP client and its concurrency limit (``chat.providers.model_view``):
a new model name costs no sockets and no extra LLM calls in flight. Other backends ignore the
model name (the local backend serves the one bundled model under its own alias).
"""

from __future__ import annotations

import asyncio
from typing import Optional, Sequence

from .. import backends
from ..backends.llm.backend import LLMBackend
from ..chat.protocol import ChatModel
from ..chat.providers import model_view
from ..config.options import SummaryOptions
from ..config.run_config import resolve
from ..config.settings import Settings
from ..backends.usability import unusable_reason
from ..contract.documents import Document
from ..contract.result import SummaryResult
from ..cpu import INLINE_CHARS
from ..errors import ConfigError, InputError
from ..pipeline import summarize
from ..progress import Progress
from .run_processes import RunProcesses, default_size

#: Backends whose endpoint serves whichever model a request names.
MODEL_BACKENDS = ("openai",)


def allowed_models(settings: Settings) -> frozenset[str]:
    """The model names ``options.model`` may give: ``SUMMARIZER_ALLOWED_MODELS`` plus the configured one."""
    names = {m.strip() for m in (settings.allowed_models or "").split(",") if m.strip()}
    return frozenset(names | ({settings.model} if settings.model else set()))


class BackendPool:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.processes = RunProcesses(settings, default_size(settings))
        self.allowed = allowed_models(settings)
        self._instances: dict[tuple[str, Optional[str]], backends.Backend] = {}
        self._endpoints: dict[str, LLMBackend] = {}  # backend name -> the instance owning the client
        self._views: list[ChatModel] = []  # other models of those endpoints, closed before them
        self._lock = asyncio.Lock()
        self._unusable: dict[str, Optional[str]] = {}  # settings and installed packages are fixed

    def unusable_reason(self, name: str) -> Optional[str]:
        """Why backend ``name`` cannot run on this server (``backends.usability``); None: it can."""
        if name not in self._unusable:
            self._unusable[name] = unusable_reason(name, self.settings)
        return self._unusable[name]

    def usability(self) -> dict[str, Optional[str]]:
        """Every backend name -> None (usable) or why not."""
        return {name: self.unusable_reason(name) for name in backends.available()}

    def resolve(self, options: SummaryOptions) -> tuple[str, Optional[str]]:
        """The (name, model) key a request runs on; an unknown name, or a backend this server cannot
        run, is a ConfigError (422) naming ``options.backend``, a model not allowed an InputError
        (422) naming ``options.model``."""
        config = resolve(self.settings, options)
        backends.check_name(config.backend)
        reason = self.unusable_reason(config.backend)
        if reason is not None:  # the server's set-up, said at submission, not as a failed job later
            which = "" if options.backend else " (the server's default)"
            raise ConfigError(f"backend {config.backend!r}{which} is not usable on this server: {reason}",
                              field="options.backend")
        if options.model is not None and options.model not in self.allowed:
            allowed = ", ".join(sorted(self.allowed)[:10]) or "none (SUMMARIZER_ALLOWED_MODELS is unset)"
            raise InputError(f"options.model {options.model[:100]!r} is not allowed on this server; "
                             f"allowed: {allowed}", field="options.model")
        if config.backend not in MODEL_BACKENDS:
            return config.backend, None
        return config.backend, config.model

    async def get(self, options: SummaryOptions) -> backends.Backend:
        key = self.resolve(options)
        async with self._lock:
            backend = self._instances.get(key)
            if backend is None:
                backend = self._instances[key] = await self._create(*key)
            return backend

    async def summarize(self, documents: Sequence[Document], options: SummaryOptions,
                        progress: Progress, alone: bool = False) -> SummaryResult:
        """The pipeline on the shared backend ``options`` name, in a worker process if it is
        CPU-bound, unless the input is small and ``alone`` (the server has no other request in
        hand): then the hand-off would add latency (about 1-2 ms of a 15 ms seeds request) and
        use no core that is not idle anyway."""
        backend = await self.get(options)
        small = sum(len(d.text) for d in documents) <= INLINE_CHARS
        if self.processes.takes(backend) and not (alone and small):
            result = await self.processes.summarize(documents, options, backend.name, progress)
            if result is not None:
                return result
        return await summarize(documents, options, self.settings, progress, backend=backend)

    async def _create(self, name: str, model: Optional[str]) -> backends.Backend:
        endpoint = self._endpoints.get(name)
        if endpoint is not None:  # another model of an endpoint already open: share its client
            view = model_view(await endpoint.model(), model or "default")
            self._views.append(view)
            return LLMBackend(view, backend_name=name, settings=self.settings)
        # Created from the key alone, so the instance does not depend on whichever request
        # happened to come first; per-run choices still reach summarize().
        backend = backends.create(name, self.settings, SummaryOptions(backend=name, model=model))
        if name in MODEL_BACKENDS and model is not None and isinstance(backend, LLMBackend):
            self._endpoints[name] = backend
        return backend

    async def aclose(self) -> None:
        async with self._lock:
            instances, self._instances = list(self._instances.values()), {}
            views, self._views = self._views, []
            self._endpoints = {}
        for view in views:
            await view.aclose()
        for backend in instances:
            await backend.aclose()
        await self.processes.aclose()
