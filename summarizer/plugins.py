"""Extension points: named registries filled from code, entry points and ``SUMMARIZER_PLUGINS``.

Two registries use this: backends (``summarizer.backends`` entry-point group, in
``backends/base``) and chat providers (``summarizer.chat_models``, in ``chat/registry``). A name
is bound to either an object (``register(name, obj)``, what ``SUMMARIZER_PLUGINS`` modules do) or a
lazy ``module:attr`` reference: the built-ins are registered as such references, exactly like
the entry points third-party packages declare, so built-ins and plugins take the same path.

Why discovery is cached: scanning installed distributions (``importlib.metadata.entry_points``)
costs milliseconds; it runs once per registry per process, on the first lookup, not per request.
References load on first use, so one broken plugin fails only the runs that ask for it.

``load_plugins(settings)`` imports the ``SUMMARIZER_PLUGINS`` modules; the CLI and the service
both call it at start.
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, Optional, TypeVar, Union

from .errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Names -> objects of one kind; entry points of ``group`` are discovered once, lazily."""

    def __init__(self, group: str, kind: str) -> None:
        self.group = group
        #: What an entry is called in error messages ("backend", "chat provider").
        self.kind = kind
        #: Built-ins and code registrations; they win over entry points of the same name.
        self._registered: dict[str, Union[T, EntryPoint]] = {}
        #: Entry points found in installed distributions; None until the first lookup.
        self._discovered: Optional[dict[str, Union[T, EntryPoint]]] = None

    def register(self, name: str, obj: T) -> None:
        """Bind ``name`` to ``obj``, replacing any earlier binding."""
        self._registered[name] = obj

    def register_reference(self, name: str, reference: str) -> None:
        """Bind ``name`` to ``"module:attr"``, imported on first use: what an entry point is."""
        self._registered[name] = EntryPoint(name=name, value=reference, group=self.group)

    def unregister(self, name: str) -> None:
        self._registered.pop(name, None)

    def registered(self, name: str) -> bool:
        """Whether ``name`` was registered by code (built-in or ``register``), not found as an entry point."""
        return name in self._registered

    def names(self) -> list[str]:
        """Registered names first (in registration order), then discovered ones."""
        discovered = self._discover()
        return list(self._registered) + [n for n in discovered if n not in self._registered]

    def __contains__(self, name: object) -> bool:
        return name in self._registered or name in self._discover()

    def get(self, name: str) -> T:
        """The object bound to ``name``, loading a reference on first use; ConfigError if none."""
        table = self._registered if name in self._registered else self._discover()
        entry = table.get(name)
        if entry is None:
            raise ConfigError(f"unknown {self.kind} {name!r}; available: {', '.join(self.names())}")
        if not isinstance(entry, EntryPoint):
            return entry
        try:
            obj = entry.load()
        except Exception as exc:  # a plugin's import error, whatever its type: name the plugin
            raise ConfigError(f"{self.kind} plugin {name!r} ({entry.value}) failed to load: "
                              f"{type(exc).__name__}: {exc}") from exc
        if table.get(name) is entry:  # keep the loaded object, unless re-registered meanwhile
            table[name] = obj
        return obj

    def rediscover(self) -> None:
        """Scan installed distributions again on the next lookup (tests, plugins installed later)."""
        self._discovered = None

    def _discover(self) -> dict[str, Union[T, EntryPoint]]:
        if self._discovered is None:
            found: dict[str, Union[T, EntryPoint]] = {}
            for ep in entry_points(group=self.group):
                found.setdefault(ep.name, ep)  # first on sys.path wins, like imports
            self._discovered = found
        return self._discovered


def plugin_modules(spec: Optional[str]) -> list[str]:
    """``"a.b, c"`` -> ``["a.b", "c"]``."""
    return [name for name in (s.strip() for s in (spec or "").split(",")) if name]


def load_plugins(settings: Any) -> None:
    """Import every module named in ``settings.plugins`` (``SUMMARIZER_PLUGINS``).

    Such a module registers what it provides at import (``summarizer.backends.register``,
    ``summarizer.chat.registry.register_provider``). Importing twice is a no-op (Python caches
    modules), so every entry point may call this."""
    for name in plugin_modules(settings.plugins):
        try:
            importlib.import_module(name)
        except Exception as exc:  # whatever the module raises, the message names the setting
            raise ConfigError(f"plugin module {name!r} (SUMMARIZER_PLUGINS) cannot be imported: "
                              f"{type(exc).__name__}: {exc}") from exc


__all__ = ["Registry", "load_plugins", "plugin_modules"]
