"""POST /v1/documents/extract against a real server: the text the CLI reads from the same file,
and clear 4xx replies for what cannot be extracted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from summarizer.io.ingest import load_documents
from tests.io.test_pdf_docx import make_docx, make_pdf
from tests.service.api_helpers import ROOT

# An HTML page with what made the browser's and the CLI's texts differ: a hidden element, &nbsp;,
# table cells, an unclosed <p>, and astral characters before the cited sentences.
PAGE = """<!doctype html><html><head><title>Harbour &amp; ferry news</title><style>p{}</style></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div hidden>Subscribe to our newsletter for more harbour stories every single day.</div>
<h1>Harbour reopens 🚢</h1>
<p>The harbour reopened on Friday after repairs to the northern pier were finished ahead of&nbsp;schedule.
<p>Fishing boats 🎣 returned the same afternoon and the market expects normal trade by next week.</p>
<table><tr><th>Item</th><th>Cost</th></tr><tr><td>Northern pier</td><td>4.2m</td></tr></table>
<p>The council said the ferry to the island will run a reduced timetable until the end of the month.</p>
</body></html>"""


def test_html_upload_gives_the_cli_text_and_the_cli_citations(server, tmp_path):
    path = tmp_path / "harbour.html"
    path.write_text(PAGE, encoding="utf-8")
    with server.client() as c:
        r = c.post("/v1/documents/extract", params={"filename": "harbour.html"}, content=path.read_bytes())
        assert r.status_code == 200, r.text
        doc = r.json()
        (cli_doc,) = load_documents([path])
        assert doc == {"id": "harbour", "title": "Harbour & ferry news", "text": cli_doc.text}
        assert "Subscribe" not in doc["text"] and "Northern pier\t4.2m" in doc["text"] and "\xa0" not in doc["text"]
        summary = c.post("/v1/summaries", json={"documents": [doc], "options": {"backend": "extractive"}})
    assert summary.status_code == 200, summary.text
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "SUMMARIZER_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    cli = subprocess.run([sys.executable, "-m", "summarizer", "summarize", str(path), "-b", "extractive", "--json",
                          "-q"], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    from_cli, from_api = json.loads(cli.stdout), summary.json()

    def spans(result):
        return [(c["source_id"], c["start"], c["end"], c["text"]) for part in ("consolidated", "conflicts")
                for s in result[part] for c in s["citations"]]
    assert spans(from_api) == spans(from_cli) and spans(from_cli)
    assert from_api["sources"][0]["sha256"] == from_cli["sources"][0]["sha256"]


def test_pdf_and_docx_uploads_match_the_cli(server, tmp_path):
    pdf, docx_path = make_pdf(tmp_path / "report.pdf"), make_docx(tmp_path / "minutes.docx")
    with server.client() as c:
        got_pdf = c.post("/v1/documents/extract?filename=report.pdf", content=pdf.read_bytes()).json()
        got_docx = c.post("/v1/documents/extract?filename=C:\\Users\\me\\minutes.docx",
                          content=docx_path.read_bytes()).json()
    cli_pdf, cli_docx = load_documents([pdf, docx_path])
    assert (got_pdf["id"], got_pdf["title"], got_pdf["text"]) == ("report", "Harbor report", cli_pdf.text)
    assert [p["start"] for p in got_pdf["pages"]] == list(cli_pdf.page_starts)
    assert got_pdf["pages"][-1]["end"] == len(cli_pdf.text)
    assert got_pdf["text"][got_pdf["pages"][0]["end"]:got_pdf["pages"][1]["start"]] == "\n\n"
    assert got_docx == {"id": "minutes", "title": "Council minutes", "text": cli_docx.text}


@pytest.mark.parametrize("filename, body, status, needle", [
    ("sheet.xlsx", b"PK\x03\x04", 415, "cannot extract text from a .xlsx file"),
    ("records.jsonl", b'{"id": "a", "text": "b"}\n', 415, "send their records to POST /v1/jobs"),
    ("noext", b"text", 415, "(none)"),
    ("latin.txt", "caf\u00e9".encode("latin-1"), 422, "latin.txt: not valid UTF-8"),
    ("broken.pdf", b"%PDF-1.4\n garbage", 422, "broken.pdf: not a readable PDF"),
    ("empty.html", b"", 422, "empty.html: the file is empty"),
    ("blank.html", b"<html><body><script>x()</script></body></html>", 422, "blank.html: no text found"),
    ("..", b"text", 422, "filename"),
])
def test_unusable_uploads_get_a_clear_4xx(server, filename, body, status, needle):
    with server.client() as c:
        r = c.post("/v1/documents/extract", params={"filename": filename}, content=body)
    assert r.status_code == status, r.text
    assert needle in r.json()["error"]["message"]


def test_missing_filename_key_and_size_limits(make_server):
    srv = make_server(SUMMARIZER_API_KEYS="k1", SUMMARIZER_MAX_REQUEST_BYTES="2000",
                      SUMMARIZER_MAX_DOCUMENT_CHARS="50").start()
    with srv.client("k1") as c:
        no_name = c.post("/v1/documents/extract", content=b"text")
        too_big = c.post("/v1/documents/extract?filename=a.txt", content=b"x" * 3000)
        too_long = c.post("/v1/documents/extract?filename=a.txt", content=b"y" * 60)
    with srv.client() as anonymous:
        no_key = anonymous.post("/v1/documents/extract?filename=a.txt", content=b"text")
    assert no_name.status_code == 422 and no_name.json()["error"]["field"] == "filename"
    assert too_big.status_code == 413 and too_long.status_code == 413
    assert "60 characters of text; the limit is 50" in too_long.json()["error"]["message"]
    assert no_key.status_code == 401


def test_extracted_pdf_posted_as_is_gives_page_numbered_citations_in_sync_calls_and_jobs(server, tmp_path):
    """What the extract endpoint returns is a valid document: its pages travel with it, so
    citations carry `page` as they do from the CLI (the page posts uploads this way)."""
    from tests.service.api_helpers import wait_status

    pdf = make_pdf(tmp_path / "report.pdf")
    cli = {(c["start"], c.get("page")) for s in _cli_result(pdf)["consolidated"] for c in s["citations"]}
    assert {p for _, p in cli} - {None}, "the fixture's citations carry pages from the CLI"
    with server.client() as c:
        doc = c.post("/v1/documents/extract?filename=report.pdf", content=pdf.read_bytes()).json()
        sync = c.post("/v1/summaries", json={"documents": [doc], "options": {"backend": "extractive"}}).json()
        job_id = c.post("/v1/jobs", json={"documents": [doc], "options": {"backend": "extractive"}}).json()["id"]
        wait_status(c, job_id, {"succeeded"})
        stored = c.get(f"/v1/jobs/{job_id}/result").json()
        bad = dict(doc, pages=[dict(p, page=p["page"] + 1) for p in doc["pages"]])
        refused = c.post("/v1/jobs", json={"documents": [bad]})
    for result in (sync, stored):
        assert {(c["start"], c.get("page")) for s in result["consolidated"] for c in s["citations"]} == cli
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "documents[0].pages"


def _cli_result(path):
    proc = subprocess.run([sys.executable, "-m", "summarizer", "summarize", str(path), "--backend", "extractive",
                           "--json", "-q"], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout)
