"""The built-in chat providers, and ``chat_model_for``: the one place that opens a ``ChatModel``.

``async with chat_model_for(name, settings, options) as model: ...`` looks ``name`` up in the
provider registry (``chat/registry``: built-ins, ``summarizer.chat_models`` entry points,
``SUMMARIZER_PLUGINS`` registrations) and checks that what it yields is a ``ChatModel``.

Built-ins:

* "openai": ``OpenAIChatModel`` on ``settings.base_url``, behind ``CachedChatModel`` unless
  ``settings.no_cache``.
* "local": starts ``LocalServer`` (bundled SmolLM2 via llama-cpp-python) and talks to it through
  the very same ``OpenAIChatModel`` (+ cache), then stops the server on exit.

``options.model`` overrides the configured model (``config.run_config.resolve``); temperature
and other per-run choices travel in each ``ChatRequest``, never in the client.
"""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Optional

from ..errors import ConfigError
from .limits import LocalLimit
from .local_server import DEFAULT_ALIAS, LocalServer
from ..config.run_config import resolve
from .openai_client import OpenAIChatModel
from .protocol import ChatModel
from .registry import PROVIDERS
from .reply_cache import CachedChatModel


def _wrap_cache(model: OpenAIChatModel, settings: Any) -> ChatModel:
    if settings.no_cache:
        return model
    return CachedChatModel(model, settings.resolved_cache_path())


async def _open_openai(settings: Any, options: Any, base_url: Optional[str] = None,
                       model: Optional[str] = None, **client_kw: Any) -> ChatModel:
    url = base_url or settings.base_url
    if not url:
        raise ConfigError("the 'openai' backend needs an endpoint: set SUMMARIZER_BASE_URL "
                          "(e.g. http://127.0.0.1:8080/v1), or use --backend local")
    model = model or resolve(settings, options).model
    if not model:
        raise ConfigError("the 'openai' backend needs a model name: set SUMMARIZER_MODEL or options.model")
    inner = OpenAIChatModel.from_settings(settings, base_url=url, model=model, **client_kw)
    try:
        return _wrap_cache(inner, settings)
    except BaseException:
        await inner.aclose()  # don't leak the HTTP client if the cache cannot be opened
        raise


def model_view(chat: ChatModel, model: str) -> ChatModel:
    """``chat`` (opened by ``chat_model_for("openai", ...)``) under another model name, sharing
    its HTTP client and concurrency limit (``OpenAIChatModel.for_model``); behind its own cache
    handle on the same cache file when ``chat`` is cached. Close it with ``aclose`` before
    ``chat``'s context exits."""
    if isinstance(chat, CachedChatModel) and isinstance(chat.inner, OpenAIChatModel):
        return CachedChatModel(chat.inner.for_model(model), chat.path)
    if isinstance(chat, OpenAIChatModel):
        return chat.for_model(model)
    raise ConfigError(f"the chat model {type(chat).__name__} cannot serve another model name")


@contextlib.asynccontextmanager
async def openai_provider(settings: Any, options: Any = None) -> AsyncIterator[ChatModel]:
    """Provider "openai": the configured OpenAI-compatible endpoint."""
    model = await _open_openai(settings, options)
    try:
        yield model
    finally:
        await model.aclose()


@contextlib.asynccontextmanager
async def local_provider(settings: Any, options: Any = None) -> AsyncIterator[ChatModel]:
    """Provider "local": the bundled model in a llama-cpp-python server started for the run."""
    async with LocalServer(settings) as server:
        # One model is served, under an alias naming it (stable cache keys whatever its path).
        # llama-cpp-python's server answers one request at a time: queue here, not there, so
        # request_timeout measures generation and not waiting behind other requests.
        # The server belongs to this process: its limit is never shared with other workers.
        # It rejects ``json_schema`` and takes ``json_object`` with a schema (a grammar): known, so
        # not negotiated (negotiating cost two refused calls per run).
        model = await _open_openai(settings, options, base_url=server.base_url, model=server.alias,
                                   max_concurrency=1, endpoint_check=server.raise_if_dead,
                                   limit=LocalLimit(1), structured_mode="json_object")
        try:
            yield model
        finally:
            await model.aclose()


@contextlib.asynccontextmanager
async def chat_model_for(provider_name: str, settings: Any, options: Any = None) -> AsyncIterator[ChatModel]:
    """Open the ChatModel of provider ``provider_name``; closes it (and any local server) on exit."""
    if provider_name not in PROVIDERS:
        raise ConfigError(f"no chat model for backend {provider_name!r}; LLM backends: "
                          f"{', '.join(PROVIDERS.names())}", field="options.backend")
    provider = PROVIDERS.get(provider_name)
    async with provider(settings, options) as model:
        if not isinstance(model, ChatModel):
            raise ConfigError(f"chat provider {provider_name!r} yielded a {type(model).__name__}, "
                              "not a summarizer.chat.protocol.ChatModel")
        yield model


__all__ = ["chat_model_for", "local_provider", "model_view", "openai_provider", "DEFAULT_ALIAS"]
