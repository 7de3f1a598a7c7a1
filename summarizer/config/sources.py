"""Extra places ``Settings`` are read from, below the environment and ``.env``:

1. the user's config file, ``config.toml`` in the platform's config folder
   (``~/.config/summarizer/config.toml`` on Linux; ``SUMMARIZER_CONFIG`` names another file).
   Keys are the settings' names, the environment variables' names in lower case with or without
   the ``summarizer_`` prefix (``model = "llama3.2"``, ``base_url = "http://..."``).
2. ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``: fallbacks for ``SUMMARIZER_API_KEY`` and
   ``SUMMARIZER_BASE_URL``, since that is where tools built for OpenAI-compatible APIs look.

A typo in the config file is an error naming the key, not a setting silently ignored.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from ..errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_ENV = "SUMMARIZER_CONFIG"
OPENAI_FALLBACKS = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}


def user_config_path() -> Path:
    """The config file in use: ``$SUMMARIZER_CONFIG``, else the platform's user config folder."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path as platform_config

    return platform_config("summarizer", appauthor=False) / "config.toml"


def read_config_file(path: Path, known: set[str]) -> dict[str, Any]:
    """Settings from a TOML file (``{}`` when it does not exist); ConfigError naming the file
    for unreadable TOML and unknown keys."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if os.environ.get(CONFIG_ENV):
            raise ConfigError(f"{CONFIG_ENV}={path}: no such file") from None
        return {}
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read ({exc.strerror})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: not valid TOML ({exc})") from exc
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key.lower().removeprefix("summarizer_")
        if name not in known:
            raise ConfigError(f"config file {path}: unknown setting {key!r}")
        out[name] = value
    return out


class _DictSource(PydanticBaseSettingsSource):
    """A settings source whose values are all known up front."""

    def __init__(self, settings_cls: type[BaseSettings], values: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self.values = values

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)


def user_config_source(settings_cls: type[BaseSettings]) -> PydanticBaseSettingsSource:
    return _DictSource(settings_cls, read_config_file(user_config_path(), set(settings_cls.model_fields)))


def openai_fallback_source(settings_cls: type[BaseSettings]) -> PydanticBaseSettingsSource:
    values = {name: os.environ[var] for name, var in OPENAI_FALLBACKS.items() if os.environ.get(var)}
    return _DictSource(settings_cls, values)
