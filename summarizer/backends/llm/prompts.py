"""Versioned prompt templates: find, load, render, hash.

Prompts live in the repo's ``prompts/`` folder as ``<name>.v<N>.md`` (an editable install reads
them there, so editing a prompt needs no reinstall); a wheel carries a copy at
``summarizer/_prompts`` (pyproject ``force-include``). A template has ``---system`` and
``---user`` sections and uses ``str.format`` placeholders. Each render reports the template's
name and the sha256 of its file, which runs record in ``stats["prompts"]`` so a result says which
prompt text produced it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ...errors import ConfigError

_FILE_RE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.md$")
_SECTION_RE = re.compile(r"^---(system|user)\s*$", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def prompts_dir() -> Path:
    """The prompt folder: repo-root ``prompts/`` when running from a checkout, else the wheel copy."""
    package = Path(__file__).resolve().parents[2]  # summarizer/ (this file is summarizer/backends/llm/prompts.py)
    for candidate in (package.parent / "prompts", package / "_prompts"):
        if candidate.is_dir() and any(candidate.glob("*.v*.md")):
            return candidate
    raise ConfigError(f"prompt templates not found (looked in {package.parent / 'prompts'} and {package / '_prompts'})")


@dataclass(frozen=True)
class Template:
    name: str  # e.g. "map_source.v1"
    sha256: str
    system: str
    user: str

    def render(self, **values: object) -> tuple[dict[str, str], ...]:
        try:
            return (
                {"role": "system", "content": self.system.format(**values).strip()},
                {"role": "user", "content": self.user.format(**values).strip()},
            )
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"prompt {self.name}: cannot fill template ({exc!r})") from exc


def _parse(name: str, raw: str) -> Template:
    parts = _SECTION_RE.split(raw)
    # split() gives [preamble, "system", text, "user", text]
    sections = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    if "system" not in sections or "user" not in sections:
        raise ConfigError(f"prompt {name}: needs a '---system' and a '---user' section")
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return Template(name, sha, sections["system"], sections["user"])


@functools.lru_cache(maxsize=32)
def _load(directory: Path, name: str, version: Optional[int]) -> Template:
    versions = {}
    for p in directory.glob(f"{name}.v*.md"):
        m = _FILE_RE.match(p.name)
        if m and m.group("name") == name:
            versions[int(m.group("version"))] = p
    if not versions:
        raise ConfigError(f"no prompt template named {name!r} in {directory}")
    v = max(versions) if version is None else version
    if v not in versions:
        raise ConfigError(f"prompt {name!r} has no version {v} (have {sorted(versions)})")
    path = versions[v]
    return _parse(f"{name}.v{v}", path.read_text(encoding="utf-8"))


def load(name: str, version: Optional[int] = None, directory: Optional[Path] = None) -> Template:
    """The template ``name`` at ``version`` (default: the highest version present)."""
    return _load(directory or prompts_dir(), name, version)


def prompt_set_hash(directory: Optional[Path] = None) -> str:
    """One hash over every prompt file (names and contents), for cache keys of whole eval runs."""
    d = directory or prompts_dir()
    h = hashlib.sha256()
    for p in sorted(d.glob("*.v*.md")):
        h.update(p.name.encode("utf-8") + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
