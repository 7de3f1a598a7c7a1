"""PDF and DOCX inputs, from fixtures the tests write themselves (fpdf2, python-docx): the
extracted text is the document's text, citations hold against it, PDF citations carry pages, and
``summarizer verify`` re-extracts the same text."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import pytest
from fpdf import FPDF

from summarizer import Document, SummaryOptions, summarize_sync
from summarizer.errors import DocumentError
from summarizer.evidence.citations import check_result
from summarizer.io.ingest import load_documents

from ..conftest import REPO

PAGE_1 = ("The harbor wall will be rebuilt from May this year, the council said on Monday. "
          "Work will cost 4.2 million euros and take two years.")
PAGE_2 = "On the second page, the mayor said the ferry will keep running during the works."


def make_pdf(path, pages=(PAGE_1, PAGE_2), title="Harbor report"):
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


def make_docx(path):
    d = docx.Document()
    d.core_properties.title = "Council minutes"
    d.add_heading("Harbor works", 1)
    d.add_paragraph("The harbor wall will be rebuilt from May this year.")
    table = d.add_table(rows=2, cols=2)
    for r, (k, v) in enumerate([("Cost", "4.2m"), ("Start", "May")]):
        table.cell(r, 0).text, table.cell(r, 1).text = k, v
    d.add_paragraph("Fishermen welcomed the decision.")
    d.save(str(path))
    return path


def words(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_pages_and_title(tmp_path):
    (doc,) = load_documents([make_pdf(tmp_path / "report.pdf")])
    assert doc.id == "report" and doc.title == "Harbor report"
    assert doc.page_starts is not None and len(doc.page_starts) == 2
    page2 = doc.text[doc.page_starts[1]:]
    assert words(page2) == PAGE_2
    assert words(doc.text[: doc.page_starts[1]]) == PAGE_1
    assert doc.page_at(0) == 1 and doc.page_at(doc.page_starts[1]) == 2 and doc.page_at(len(doc.text) - 1) == 2


def test_docx_paragraphs_and_table_rows_in_order(tmp_path):
    (doc,) = load_documents([make_docx(tmp_path / "minutes.docx")])
    assert doc.title == "Council minutes" and doc.page_starts is None
    assert doc.text == ("Harbor works\nThe harbor wall will be rebuilt from May this year.\n"
                        "Cost\t4.2m\nStart\tMay\nFishermen welcomed the decision.")


def test_citations_hold_against_extracted_text_with_pages(tmp_path):
    docs = load_documents([make_pdf(tmp_path / "report.pdf"), make_docx(tmp_path / "minutes.docx")])
    result = summarize_sync(docs, SummaryOptions(backend="extractive"))
    assert check_result(result, {d.id: d.text for d in docs}) == []
    pdf = docs[0]
    cited = [c for _, s in result.all_sentences() for c in s.citations]
    pages = {c.page for c in cited if c.source_id == "report"}
    assert pages == {1, 2}
    for c in cited:
        if c.source_id == "report":
            assert c.page == pdf.page_at(c.start)
        else:
            assert c.page is None
    dumped = json.loads(result.model_dump_json())
    docx_cites = [c for ps in dumped["per_source"] if ps["source_id"] == "minutes" for s in ps["summary"]
                  for c in s["citations"]]
    assert docx_cites and all("page" not in c for c in docx_cites)  # absent, not null: v1 unchanged


def test_results_without_pages_serialize_as_before():
    result = summarize_sync([Document("a", "The bridge opens in May. Traffic will be light.")],
                            SummaryOptions(backend="extractive"))
    cite = result.model_dump(mode="json")["consolidated"][0]["citations"][0]
    assert set(cite) == {"source_id", "start", "end", "text"}


def test_cli_summarize_then_verify_a_pdf(tmp_path):
    make_pdf(tmp_path / "report.pdf")
    out = tmp_path / "r.json"
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "SUMMARIZER_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    run = [sys.executable, "-m", "summarizer"]
    proc = subprocess.run(run + ["summarize", str(tmp_path / "report.pdf"), "-b", "extractive", "-q", "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert any(c.get("page") == 2 for s in json.loads(out.read_text())["consolidated"] for c in s["citations"])
    proc = subprocess.run(run + ["verify", str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr.startswith("ok:"), proc.stdout + proc.stderr


def test_pdf_without_text_says_so(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(DocumentError, match="scan.pdf: no text could be extracted .*OCR"):
        load_documents([tmp_path / "scan.pdf"])


def test_password_protected_pdf_says_so(tmp_path):
    from pypdf import PdfReader, PdfWriter

    make_pdf(tmp_path / "open.pdf")
    writer = PdfWriter()
    for page in PdfReader(tmp_path / "open.pdf").pages:
        writer.add_page(page)
    writer.encrypt("secret")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(DocumentError, match="locked.pdf: the PDF is password-protected"):
        load_documents([tmp_path / "locked.pdf"])


@pytest.mark.parametrize("name, data, message", [
    ("broken.pdf", b"%PDF-1.4\n garbage", "broken.pdf: not a readable PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "broken.docx: not a readable DOCX file"),
    ("renamed.docx", b"plain text", "renamed.docx: not a readable DOCX file"),
])
def test_damaged_files_are_errors_naming_the_file(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DocumentError, match=message):
        load_documents([tmp_path / name])
