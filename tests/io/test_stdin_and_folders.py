"""Standard input as ``-`` and folders with files that cannot be read."""

from __future__ import annotations

import io

import pytest

from summarizer.errors import DocumentError, InputError
from summarizer.io.ingest import find_files, load_documents, parse_stdin


def test_plain_text_keeps_every_character():
    raw = "Line one.\r\n\tLine two \u00e9\U0001F600\n"
    (doc,) = parse_stdin(raw.encode("utf-8"))
    assert doc.id == "stdin" and doc.text == raw and doc.path is None


def test_json_list_object_and_jsonl():
    assert [d.id for d in parse_stdin(b'[{"id": "a", "text": "x"}, {"id": 2, "text": "y"}]')] == ["a", "2"]
    assert [d.title for d in parse_stdin(b' {"id": "a", "title": "T", "text": "x"}\n')] == ["T"]
    assert [d.id for d in parse_stdin(b'{"id": "a", "text": "x"}\n\n{"id": "b", "text": "y"}\n')] == ["a", "b"]


@pytest.mark.parametrize("raw", [b"[1] The first point.", b"{braces} in prose", b"42", b'"a quoted line"'])
def test_text_that_is_not_records_stays_text(raw):
    (doc,) = parse_stdin(raw)
    assert doc.id == "stdin" and doc.text == raw.decode()


def test_bad_stdin_records_and_bytes_name_stdin():
    with pytest.raises(DocumentError, match=r"<stdin>\[0\]: record needs a non-empty 'id'"):
        parse_stdin(b'[{"text": "x"}]')
    with pytest.raises(DocumentError, match="<stdin>: not valid UTF-8"):
        parse_stdin("na\u00efve".encode("latin-1"))


def test_dash_reads_the_given_stream_once_in_order(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    docs = load_documents(["-", tmp_path / "a.txt"], stdin=io.BytesIO(b"Piped text."))
    assert [(d.id, d.text) for d in docs] == [("stdin", "Piped text."), ("a", "Alpha text.")]
    with pytest.raises(InputError, match="only once"):
        load_documents(["-", "-"], stdin=io.BytesIO(b"x"))
    with pytest.raises(DocumentError, match="<stdin>: document 'stdin' is empty"):
        load_documents(["-"], stdin=io.BytesIO(b" \n"))


def test_folders_report_unsupported_files_and_skip_hidden_ones(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "table.xlsx").write_bytes(b"PK")
    (tmp_path / "notes").write_text("no suffix", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    found = find_files([tmp_path])
    assert found.files == [tmp_path / "a.txt"]
    assert found.unsupported == [tmp_path / "notes", tmp_path / "sub" / "table.xlsx"]
    skipped = []
    docs = load_documents([tmp_path], on_unsupported=skipped.append)
    assert [d.id for d in docs] == ["a"] and skipped == found.unsupported


def test_unsupported_files_are_logged_by_default(tmp_path, caplog):
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "b.png").write_bytes(b"\x89PNG")
    load_documents([tmp_path])
    assert any("b.png" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def _rglob_definition(root):
    """What ``files_under`` must return: ``Path.rglob``'s files, hidden parts left out, sorted."""
    return sorted(f for f in root.rglob("*") if f.is_file()
                  and not any(part.startswith(".") for part in f.relative_to(root).parts))


def test_files_under_is_the_rglob_definition(tmp_path):
    from summarizer.io.ingest import files_under

    for rel in ["b.txt", "B.txt", "a/z.md", "a/b/c.txt", "a-b/x.txt", "a.b/y.txt", "A/q.txt",
                ".hidden/h.txt", "a/.h.txt", "a/b/.git/config", "10.txt", "9.txt", "é.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.txt").write_text("x")
    (tmp_path / "root").mkdir()
    for rel in ["b.txt", "B.txt", "a", "a-b", "a.b", "A", ".hidden", "10.txt", "9.txt", "é.txt"]:
        (tmp_path / "root" / rel).symlink_to(tmp_path / rel)  # linked files count, linked folders are not entered
    (tmp_path / "root" / "real").mkdir()
    (tmp_path / "root" / "real" / "r.txt").write_text("x")
    (tmp_path / "root" / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    for root in (tmp_path, tmp_path / "root"):
        expected = _rglob_definition(root)
        assert files_under(root) == expected
        assert len(expected) > 5


def test_unreadable_folder_inside_the_input_is_an_error_naming_it(tmp_path, monkeypatch):
    """rglob skipped such a folder silently (and root reads everything, so the fault is injected)."""
    import os

    from summarizer.io import ingest

    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("x")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(ingest.os, "scandir", scandir)
    with pytest.raises(InputError, match=r"locked: cannot read folder \(Permission denied\)"):
        find_files([tmp_path])
