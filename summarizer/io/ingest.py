"""Reading documents from files and folders (the I/O edge of the pipeline).

``.txt``/``.md``: the file's bytes decoded as UTF-8, nothing else changed (no newline translation).
``.html``/``.htm``: the visible text. ``.json``: one record or a list of records; ``.jsonl``: one record
per line; a record is ``{"id", "title"?, "text"}``. Source ids are file names without extension,
or the record's ``id``. Every error names the file (and line, for JSONL).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from ..contract.documents import Document
from ..errors import DocumentError, InputError
from .htmltext import html_to_text

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start+1]!r})") from exc
    return text[1:] if text.startswith("\ufeff") else text


def _record(path: Path, rec: object, where: str) -> Document:
    if not isinstance(rec, dict):
        raise DocumentError(f"{where}: expected an object with 'id' and 'text', got {type(rec).__name__}")
    unknown = set(rec) - {"id", "title", "text", "url", "metadata"}
    if unknown:
        raise DocumentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    rid, text, title = rec.get("id"), rec.get("text"), rec.get("title") or ""
    if not isinstance(rid, (str, int)) or str(rid) == "":
        raise DocumentError(f"{where}: record needs a non-empty 'id'")
    if not isinstance(text, str):
        raise DocumentError(f"{where}: record {rid!r} needs a string 'text'")
    if not isinstance(title, str):
        raise DocumentError(f"{where}: record {rid!r} has a non-string 'title'")
    return Document(id=str(rid), text=text, title=title, path=str(path))


def read_file(path: Path) -> list[Document]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(sorted(SUFFIXES))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror})") from exc
    text = _decode(path, data)
    if suffix in (".txt", ".md", ".markdown"):
        return [Document(id=path.stem, text=text, path=str(path))]
    if suffix in (".html", ".htm"):
        title, body = html_to_text(text)
        return [Document(id=path.stem, text=body, title=title, path=str(path))]
    if suffix == ".jsonl":
        docs = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DocumentError(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
            docs.append(_record(path, rec, f"{path}:{n}"))
        if not docs:
            raise DocumentError(f"{path}: no records")
        return docs
    try:
        data_obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    records = data_obj if isinstance(data_obj, list) else [data_obj]
    return [_record(path, r, f"{path}[{i}]") for i, r in enumerate(records)]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus supported files inside named folders (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."))
            if not found:
                raise InputError(f"{p}: folder has no {', '.join(sorted(SUFFIXES))} files")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return out


def load_documents(paths: Iterable[str | Path]) -> list[Document]:
    """Read every document; duplicate ids and empty documents are errors naming the files."""
    docs: list[Document] = []
    where: dict[str, str] = {}
    for path in expand_paths(paths):
        for doc in read_file(path):
            if doc.id in where:
                raise DocumentError(f"{path}: duplicate document id {doc.id!r} (also in {where[doc.id]})")
            if not doc.text.strip():
                raise DocumentError(f"{path}: document {doc.id!r} is empty or whitespace only")
            where[doc.id] = str(path)
            docs.append(doc)
    if not docs:
        raise InputError("no documents given")
    return docs
