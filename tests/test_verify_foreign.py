"""``summarizer verify`` on results made elsewhere: REST output saved to a file, sources given as
files, JSON/JSONL records, or the saved request body."""

from __future__ import annotations

import asyncio
import json

from summarizer.cli import main
from summarizer.config.options import SummaryOptions
from summarizer.contract.documents import Document
from summarizer.contract.result import jsonable
from summarizer.pipeline import summarize

DOCS = [Document(id="a", text="The council voted to rebuild the harbor wall in May. It will cost 4.2 million euros."),
        Document(id="b", text="The harbor wall will be rebuilt from May. The cost is 5.1 million euros.")]


def api_result() -> dict:
    # What POST /v1/summaries returns: the result contract, with no file paths for the sources.
    return jsonable(asyncio.run(summarize(DOCS, SummaryOptions(backend="extractive"))))


def test_rest_result_with_request_body_as_sources(tmp_path, capsys):
    (tmp_path / "result.json").write_text(json.dumps(api_result()))
    body = {"documents": [{"id": d.id, "text": d.text} for d in DOCS], "options": {"backend": "extractive"}}
    (tmp_path / "request.json").write_text(json.dumps(body))
    assert main(["verify", str(tmp_path / "result.json"), "--sources", str(tmp_path / "request.json")]) == 0
    assert "citations" in capsys.readouterr().err


def test_wrapped_result_with_jsonl_sources(tmp_path):
    (tmp_path / "event.json").write_text(json.dumps({"result": api_result()}))
    (tmp_path / "src.jsonl").write_text("\n".join(json.dumps({"id": d.id, "text": d.text}) for d in DOCS))
    assert main(["verify", str(tmp_path / "event.json"), "--sources", str(tmp_path / "src.jsonl")]) == 0


def test_tampered_rest_result_fails(tmp_path, capsys):
    res = api_result()
    res["consolidated"][0]["citations"][0]["start"] += 1
    (tmp_path / "result.json").write_text(json.dumps(res))
    for d in DOCS:
        (tmp_path / f"{d.id}.txt").write_text(d.text)
    code = main(["verify", str(tmp_path / "result.json"), "--sources", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert code == 1
    assert "BAD consolidated[0].citations[0]" in capsys.readouterr().out


def test_missing_sources_is_an_input_error(tmp_path, capsys):
    (tmp_path / "result.json").write_text(json.dumps(api_result()))
    assert main(["verify", str(tmp_path / "result.json")]) == 2
    assert "give the sources with --sources" in capsys.readouterr().err
