"""Eval suites: loading cases from TOML or JSON files (the I/O edge of the harness).

A suite is a ``.toml``/``.json`` file, or a folder holding such files (each one a suite). Document
paths are relative to the suite file. Every mistake in a suite file is an ``InputError`` naming
the file and the case, so a typo never silently turns a check off (models use ``extra="forbid"``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..contract.documents import Document
from ..errors import InputError
from ..io.ingest import load_documents
from .thresholds import ThresholdValue, to_bound

SUITE_SUFFIXES = (".toml", ".json")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InlineDocument(_Strict):
    id: str
    text: str
    title: str = ""


class ExpectedFact(_Strict):
    """A fact that must appear in the consolidated summary.

    Matching rules: case-insensitive; every entry of ``keywords`` must occur as a substring of
    the consolidated summary's text (sentences joined by spaces); an entry may list alternatives
    separated by ``|`` ("Kharkiv|Kharkov"), any one of which is enough.
    """

    keywords: list[str] = Field(min_length=1)
    name: str = ""


class NoCite(_Strict):
    """A span no citation may overlap: the first occurrence of ``text`` in source ``source``
    (or in every source that contains it, when ``source`` is omitted)."""

    text: str = Field(min_length=1)
    source: Optional[str] = None


class ConflictExpectation(_Strict):
    """A conflict that must be found: some conflict sentence (its text or its cited spans)
    contains all the keywords, with the same rules as ``ExpectedFact``."""

    keywords: list[str] = Field(min_length=1)
    name: str = ""


class Expectations(_Strict):
    facts: list[ExpectedFact] = Field(default_factory=list)
    no_cite: list[NoCite] = Field(default_factory=list)
    conflicts: list[ConflictExpectation] = Field(default_factory=list)


class CaseSpec(_Strict):
    id: str = Field(min_length=1)
    description: str = ""
    documents: list[Union[str, InlineDocument]] = Field(min_length=1)
    references: list[str] = Field(default_factory=list, description="inline reference summaries")
    reference_files: list[str] = Field(default_factory=list, description="paths, relative to the suite file")
    expect: Expectations = Field(default_factory=Expectations)
    thresholds: dict[str, ThresholdValue] = Field(default_factory=dict)
    backend_thresholds: dict[str, dict[str, ThresholdValue]] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict, description="SummaryOptions fields")
    focus: Optional[str] = Field(None, description="the case's focus (options.focus): a topic or question")
    words: Optional[int] = Field(None, description="the case's length in words (options.words); checked within 10%")


class SuiteSpec(_Strict):
    name: str = ""
    description: str = ""
    license: str = ""
    thresholds: dict[str, ThresholdValue] = Field(default_factory=dict)
    backend_thresholds: dict[str, dict[str, ThresholdValue]] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)
    cases: list[CaseSpec] = Field(min_length=1)


class Case:
    """A loaded case: documents read, references read, thresholds merged per backend later."""

    def __init__(self, suite: "Suite", spec: CaseSpec, documents: list[Document], references: list[str]) -> None:
        self.suite = suite
        self.spec = spec
        self.documents = documents
        self.references = references

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def name(self) -> str:
        return f"{self.suite.name}/{self.spec.id}"

    @property
    def options(self) -> dict[str, Any]:
        extra = {k: v for k, v in (("focus", self.spec.focus), ("words", self.spec.words)) if v is not None}
        return {**self.suite.spec.options, **self.spec.options, **extra}

    def thresholds(self, backend: str) -> dict[str, ThresholdValue]:
        """Suite thresholds, then the suite's for ``backend``, then the case's, then the case's for
        ``backend``: later ones win, metric by metric."""
        out: dict[str, ThresholdValue] = {}
        for layer in (self.suite.spec.thresholds, self.suite.spec.backend_thresholds.get(backend, {}),
                      self.spec.thresholds, self.spec.backend_thresholds.get(backend, {})):
            out.update(layer)
        return out

    def content_hash(self) -> str:
        """What the case's result depends on (documents, options); not expectations or thresholds,
        so tightening a threshold re-scores the cached result instead of re-running the model."""
        body = {
            "documents": [[d.id, d.title, d.text] for d in self.documents],
            "options": self.options,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class Suite:
    def __init__(self, path: Path, spec: SuiteSpec) -> None:
        self.path = path
        self.spec = spec
        self.name = spec.name or path.stem
        self.cases: list[Case] = []


def _parse(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read suite ({exc.strerror})") from exc
    try:
        if path.suffix == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: suite is not UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: a suite is an object with a 'cases' list")
    return data


def _read_text(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: cannot read {path} ({exc})") from exc


def _check_thresholds(path: Path, spec: SuiteSpec) -> None:
    """Unknown metric names and direction-less bare numbers are suite mistakes: report them at
    load time, not as a case failure."""
    layers = [("thresholds", spec.thresholds)] + [(f"backend_thresholds.{b}", t) for b, t in spec.backend_thresholds.items()]
    for cs in spec.cases:
        layers += [(f"case {cs.id!r} thresholds", cs.thresholds)]
        layers += [(f"case {cs.id!r} backend_thresholds.{b}", t) for b, t in cs.backend_thresholds.items()]
    for where, layer in layers:
        for metric, value in layer.items():
            try:
                to_bound(metric, value)
            except InputError as exc:
                raise InputError(f"{path}: {where}: {exc}") from exc


def load_suite_file(path: Path) -> Suite:
    data = _parse(path)
    try:
        spec = SuiteSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise InputError(f"{path}: invalid suite at {loc}: {first['msg']}") from exc
    _check_thresholds(path, spec)
    suite = Suite(path, spec)
    seen: set[str] = set()
    for cs in spec.cases:
        where = f"{path} case {cs.id!r}"
        if cs.id in seen:
            raise InputError(f"{where}: duplicate case id")
        seen.add(cs.id)
        docs: list[Document] = []
        for entry in cs.documents:
            if isinstance(entry, InlineDocument):
                docs.append(Document(id=entry.id, text=entry.text, title=entry.title))
            else:
                target = path.parent / entry
                if not target.exists():
                    raise InputError(f"{where}: document path {entry!r} not found (relative to {path.parent})")
                docs += load_documents([target])
        ids = [d.id for d in docs]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise InputError(f"{where}: duplicate document id(s) {', '.join(sorted(dup))}")
        refs = list(cs.references) + [_read_text(path.parent / r, where) for r in cs.reference_files]
        suite.cases.append(Case(suite, cs, docs, refs))
    return suite


def load_suites(paths: list[str | Path]) -> list[Suite]:
    """Suites from files, or from every suite file inside folders (sorted, non-recursive first level
    plus sub-folders' ``suite.toml``/``suite.json``)."""
    suites: list[Suite] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in SUITE_SUFFIXES
                           and f.stem.startswith("suite"))
            if not found:
                raise InputError(f"{p}: no suite*.toml or suite*.json files in this folder")
            suites += [load_suite_file(f) for f in found]
        elif p.is_file():
            if p.suffix not in SUITE_SUFFIXES:
                raise InputError(f"{p}: a suite file is .toml or .json")
            suites.append(load_suite_file(p))
        else:
            raise InputError(f"{p}: no such suite file or folder")
    names = [s.name for s in suites]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise InputError(f"duplicate suite name(s): {', '.join(sorted(dup))}; set 'name' in the suite files")
    return suites
