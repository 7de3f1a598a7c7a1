"""Text of PDF and DOCX files, with the page each part of a PDF's text came from.

The extracted text is the document's text: offsets index it, the result's ``sha256``/``chars``
describe it, and ``summarizer verify`` re-extracts it the same way to check citations. Extraction is
deterministic for a given file and library version.

* PDF (pypdf): each page's text as pypdf lays it out (a line break per line), pages separated by a
  blank line. ``page_starts[i]`` is where page ``i + 1`` begins in the text.
* DOCX (python-docx): paragraphs and tables in document order, one paragraph per line; a table
  row is one line with its cells separated by tabs (so "Cost" and "4.2m" never run together).

The libraries are imported on first use: reading text files never pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Optional

from ..errors import DocumentError

PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str = ""
    page_starts: Optional[tuple[int, ...]] = None


def _require_text(path: Path, text: str, what: str) -> None:
    if not text.strip():
        raise DocumentError(f"{path}: no text could be extracted from this {what} "
                            "(a scanned document needs OCR first)")


def _source(path: Path, data: Optional[bytes]):
    """What the libraries read: the bytes already in hand (an upload), else the file."""
    return BytesIO(data) if data is not None else path


def pdf_text(path: Path, data: Optional[bytes] = None) -> Extracted:
    """``data``: the file's bytes when already read (``path`` then only names it in errors)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(_source(path, data))
        if reader.is_encrypted:
            reader.decrypt("")  # many "encrypted" PDFs only restrict printing, with an empty password
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except FileNotDecryptedError as exc:
        raise DocumentError(f"{path}: the PDF is password-protected") from exc
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except Exception as exc:  # a parser of untrusted bytes fails in many ways; all mean "not a usable PDF"
        raise DocumentError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    starts, offset = [], 0
    for text in pages:
        starts.append(offset)
        offset += len(text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    _require_text(path, text, "PDF")
    return Extracted(text=text, title=title, page_starts=tuple(starts))


def docx_text(path: Path, data: Optional[bytes] = None) -> Extracted:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(BytesIO(data) if data is not None else str(path))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines += ["\t".join(cell.text for cell in row.cells) for row in block.rows]
            else:
                lines.append(block.text)
        title = (document.core_properties.title or "").strip()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except Exception as exc:  # zip, XML and package errors of a damaged file
        raise DocumentError(f"{path}: not a readable DOCX file ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(lines)
    _require_text(path, text, "DOCX file")
    return Extracted(text=text, title=title)

