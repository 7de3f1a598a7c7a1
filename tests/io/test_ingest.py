"""Ingest: exact text from every supported format, and errors that name the file."""

from __future__ import annotations

import json

import pytest

from summarizer.errors import DocumentError, InputError
from summarizer.io.ingest import load_documents


def test_txt_keeps_exact_text_including_crlf(tmp_path):
    raw = "Line one.\r\nLine two,\r\n\r\n  indented\ttab\rlone cr \u00e9\u0301 \U0001F600\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    (doc,) = load_documents([tmp_path / "a.txt"])
    assert doc.id == "a" and doc.text == raw and doc.path.endswith("a.txt")


def test_txt_drops_only_a_leading_bom(tmp_path):
    (tmp_path / "b.txt").write_bytes("\ufeffHello.\ufeff".encode("utf-8"))
    (doc,) = load_documents([tmp_path / "b.txt"])
    assert doc.text == "Hello.\ufeff"


def test_markdown_is_read_verbatim(tmp_path):
    raw = "# Title\n\nSome *bold* text.\n"
    (tmp_path / "n.md").write_text(raw, encoding="utf-8")
    (doc,) = load_documents([tmp_path])
    assert doc.id == "n" and doc.text == raw


def test_html_gives_visible_text_and_title(tmp_path):
    page = """<html><head><title>My &amp; Page</title><style>p{color:red}</style></head>
    <body><script>var x = "hidden";</script><h1>Headline</h1><p>First   paragraph &amp; more.</p>
    <div hidden>secret</div><p>Second<br>line</p></body></html>"""
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    (doc,) = load_documents([tmp_path / "p.html"])
    assert doc.title == "My & Page"
    assert "Headline" in doc.text and "First paragraph & more." in doc.text
    assert "hidden" not in doc.text and "secret" not in doc.text and "color" not in doc.text
    assert "Second\nline" in doc.text


def test_json_record_list_and_jsonl(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"id": "r1", "title": "T", "text": "Text one."}), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([{"id": 2, "text": "Two."}, {"id": "r3", "text": "Three.\r\n"}]), encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text('{"id": "r4", "text": "Four."}\n\n{"id": "r5", "text": "Five."}\n', encoding="utf-8")
    docs = load_documents([tmp_path])
    got = {d.id: (d.title, d.text) for d in docs}
    assert got == {
        "r4": ("", "Four."), "r5": ("", "Five."), "2": ("", "Two."), "r3": ("", "Three.\r\n"), "r1": ("T", "Text one."),
    }


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("bad.json", b'{"id": "x", "text": ', "invalid JSON"),
        ("bad.jsonl", b'{"id": "x", "text": "ok"}\n{nope}\n', "bad.jsonl:2"),
        ("latin.txt", "caf\u00e9".encode("latin-1"), "not valid UTF-8"),
        ("empty.txt", b"  \r\n\t ", "empty or whitespace"),
        ("notext.json", b'{"id": "x"}', "needs a string 'text'"),
        ("extra.json", b'{"id": "x", "text": "t", "body": 1}', "unknown field"),
        ("noid.jsonl", b'{"text": "t"}\n', "non-empty 'id'"),
        ("scalar.json", b"[1]", "expected an object"),
        ("empty.jsonl", b"\n\n", "no records"),
        ("emptyrec.json", b'{"id": "x", "text": " "}', "empty or whitespace"),
    ],
)
def test_bad_documents_name_the_file(tmp_path, name, content, needle):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DocumentError) as err:
        load_documents([tmp_path / name])
    assert name in str(err.value) and needle in str(err.value)


def test_duplicate_ids_name_both_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "same.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "same", "text": "Two."}\n', encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        load_documents([tmp_path])
    msg = str(err.value)
    assert "duplicate document id 'same'" in msg and "b.jsonl" in msg and "same.txt" in msg


def test_unsupported_suffix_and_missing_path(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(DocumentError, match="x.xlsx: unsupported file type .xlsx"):
        load_documents([tmp_path / "x.xlsx"])
    with pytest.raises(InputError, match="nope.txt: no such file or folder"):
        load_documents([tmp_path / "nope.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="folder has no"):
        load_documents([tmp_path / "empty"])


def test_html_hidden_element_ends_at_its_own_end_tag(tmp_path):
    page = "<p>Before.</p><div hidden><div>inner</div><p>still hidden</p></div><p>After.</p>"
    (tmp_path / "h.htm").write_text(page, encoding="utf-8")
    (doc,) = load_documents([tmp_path / "h.htm"])
    assert doc.text == "Before.\n\nAfter."
