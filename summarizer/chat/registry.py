"""The chat provider registry: which names open a ``ChatModel``, and how.

A *provider* is a factory ``provider(settings, options) -> async context manager yielding a
ChatModel`` (``contextlib.asynccontextmanager`` makes one from an async generator). The context
manager owns whatever the model needs (an HTTP client, a server process) and releases it on exit.

Providers come from three places, looked up the same way: the built-ins "openai" and "local"
(registered below as ``module:attr`` references, exactly what an entry point is), the
``summarizer.chat_models`` entry-point group of installed packages, and
``register_provider(name, provider)`` called by a ``SUMMARIZER_PLUGINS`` module.

Every provider name is also a backend name: ``backends.create("foo", ...)`` builds an
``LLMBackend`` on provider "foo" unless a backend registered under "foo" itself.

This module imports nothing heavy; a provider's own module is imported when it is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncContextManager, Callable

from ..plugins import Registry

if TYPE_CHECKING:
    from .protocol import ChatModel

ENTRY_POINT_GROUP = "summarizer.chat_models"

#: ``provider(settings, options)`` -> ``async with ... as model``.
ChatProvider = Callable[[Any, Any], AsyncContextManager["ChatModel"]]

PROVIDERS: Registry[ChatProvider] = Registry(ENTRY_POINT_GROUP, "chat provider")
PROVIDERS.register_reference("openai", "summarizer.chat.providers:openai_provider")
PROVIDERS.register_reference("local", "summarizer.chat.providers:local_provider")


def register_provider(name: str, provider: ChatProvider) -> None:
    PROVIDERS.register(name, provider)


def provider_names() -> list[str]:
    return PROVIDERS.names()


__all__ = ["ChatProvider", "ENTRY_POINT_GROUP", "PROVIDERS", "provider_names", "register_provider"]
