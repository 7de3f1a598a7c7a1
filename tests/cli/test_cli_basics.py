"""The CLI's flags and messages, each through the real command in a subprocess (issue 16)."""

from __future__ import annotations

import json

import pytest

import summarizer

from .helpers import clean_env, run_cli, write_docs


@pytest.fixture
def home(tmp_path):
    return tmp_path


def test_version_prints_the_package_version(home):
    proc = run_cli(home, "--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"summarizer {summarizer.__version__}"


def test_shell_completion_offers_commands_and_options(home, tmp_path):
    out = tmp_path / "completions"
    for line, expected in [("summarizer ca", {"cache"}), ("summarizer summarize --for", {"--format"})]:
        proc = run_cli(home, _ARGCOMPLETE="1", _ARGCOMPLETE_IFS="\n", COMP_LINE=line, COMP_POINT=str(len(line)),
                       _ARGCOMPLETE_STDOUT_FILENAME=str(out))
        assert proc.returncode == 0, proc.stderr
        assert {w.strip() for w in out.read_text().split("\n") if w.strip()} == expected


def test_piped_output_is_json_and_json_flag_forces_it(home):
    docs = write_docs(home / "docs")
    piped = run_cli(home, "summarize", str(docs), "-b", "extractive")
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["schema_version"] == 1
    forced = run_cli(home, "summarize", str(docs), "-b", "extractive", "--json")
    assert json.loads(forced.stdout) == {**json.loads(piped.stdout), "stats": json.loads(forced.stdout)["stats"]}


def test_text_format_numbers_sources(home):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", "--format", "text")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Summary\n")
    assert "\nConflicts\n" in out and "\nPer source\n" in out
    assert "  [1] a.txt\n  [2] b.txt\n" in out
    assert "The harbor wall will be rebuilt from May this year. [1]" in out


def test_json_and_format_together_is_a_usage_error(home):
    proc = run_cli(home, "summarize", "x.txt", "--json", "--format", "text")
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: summarizer summarize")
    assert "argument --format: not allowed with argument --json" in proc.stderr


def test_bad_option_prints_the_subcommands_usage(home):
    proc = run_cli(home, "summarize", "x.txt", "--bogus")
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: summarizer summarize ")
    assert "summarizer summarize: error: unrecognized arguments: --bogus" in proc.stderr
    proc = run_cli(home, "verify", "r.json", "--nope")
    assert proc.returncode == 2 and proc.stderr.startswith("usage: summarizer verify ")


def test_verbose_is_accepted_after_the_subcommand(home):
    docs = write_docs(home / "docs")
    for args in (["-v", "summarize", str(docs)], ["summarize", "-v", str(docs)], ["summarize", str(docs), "--verbose"]):
        proc = run_cli(home, *args, "-b", "extractive", "-q")
        assert proc.returncode == 0, proc.stderr
        assert "DEBUG" in proc.stderr, args
    for args in (["cache", "info", "-v"], ["runs", "-v"], ["verify", "-v", "--help"]):
        assert run_cli(home, *args).returncode == 0, args


def test_short_flags_out_model_backend(home):
    docs = write_docs(home / "docs")
    out = home / "r.md"
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", "-m", "some-model", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("# Summary")  # format from the suffix
    assert f"wrote {out}" in proc.stderr


def test_stdin_plain_text(home):
    text = "The harbor wall will be rebuilt from May this year. Fishermen welcomed it.\n"
    proc = run_cli(home, "summarize", "-", "-b", "extractive", stdin=text.encode("utf-8"))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [s["id"] for s in result["sources"]] == ["stdin"]
    for c in result["consolidated"][0]["citations"]:
        assert text[c["start"]:c["end"]] == c["text"]


@pytest.mark.parametrize("encode", [
    lambda recs: json.dumps(recs),
    lambda recs: "\n".join(json.dumps(r) for r in recs) + "\n",
])
def test_stdin_json_and_jsonl_records(home, encode):
    recs = [{"id": "x", "title": "X", "text": "The bridge opens in May. Traffic will be light."},
            {"id": "y", "text": "The bridge opens in June, the mayor said."}]
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs / "a.txt"), "-", "-b", "extractive", stdin=encode(recs).encode())
    assert proc.returncode == 0, proc.stderr
    assert [s["id"] for s in json.loads(proc.stdout)["sources"]] == ["a", "x", "y"]


def test_stdin_bad_record_names_stdin(home):
    proc = run_cli(home, "summarize", "-", "-b", "extractive", stdin=b'[{"id": "x"}]')
    assert proc.returncode == 2
    assert "<stdin>[0]: record 'x' needs a string 'text'" in proc.stderr and "Traceback" not in proc.stderr


def test_folder_lists_unsupported_files(home):
    docs = write_docs(home / "docs")
    (docs / "sheet.xlsx").write_bytes(b"PK")
    (docs / "photo.png").write_bytes(b"\x89PNG")
    (docs / ".hidden").write_text("x")
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive")
    assert proc.returncode == 0, proc.stderr
    assert "summarizer: skipped 2 unsupported files:" in proc.stderr
    assert "photo.png" in proc.stderr and "sheet.xlsx" in proc.stderr and ".hidden" not in proc.stderr


def test_end_of_run_line_and_quiet(home):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive")
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("extractive: 0 LLM calls, 0 prompt + 0 completion tokens, 0 cache hits, ")
    assert last.endswith(" s")
    quiet = run_cli(home, "summarize", str(docs), "-b", "extractive", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_missing_endpoint_and_model_name_the_flags(home):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "-b", "openai")
    assert proc.returncode == 2 and "--base-url" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(home, "summarize", str(docs), "-b", "openai", "--base-url", "http://127.0.0.1:9/v1")
    assert proc.returncode == 2 and "--model" in proc.stderr and "SUMMARIZER_MODEL" in proc.stderr


def test_unreachable_endpoint_exits_3_not_2(home):
    docs = write_docs(home / "docs")
    # Port 9 (discard) on 127.0.0.1: nothing listens there, the connection is refused at once.
    proc = run_cli(home, "summarize", str(docs), "-m", "llamacpp:some-model@http://127.0.0.1:9/v1", "-q")
    assert proc.returncode == 3, proc.stderr
    assert "http://127.0.0.1:9/v1" in proc.stderr and "hint:" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_setting_value_is_a_one_line_error(home):
    docs = write_docs(home / "docs")
    proc = run_cli(home, "summarize", str(docs), "-b", "extractive", SUMMARIZER_MAX_CONCURRENCY="many")
    assert proc.returncode == 2
    assert "SUMMARIZER_MAX_CONCURRENCY" in proc.stderr and "Traceback" not in proc.stderr


def test_help_lists_exit_codes(home):
    for args in (["--help"], ["summarize", "--help"]):
        proc = run_cli(home, *args)
        assert "\n  3    a service unavailable" in proc.stdout and "\n  2    usage" in proc.stdout


def test_clean_env_drops_outside_settings(home, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_MODEL", "leak")
    monkeypatch.setenv("OPENAI_API_KEY", "leak")
    env = clean_env(home)
    assert "SUMMARIZER_MODEL" not in env and "OPENAI_API_KEY" not in env


@pytest.mark.parametrize("argv, command", [
    (["summarize", "runs"], "summarize"), (["-v", "cache", "stats"], "cache"), (["--verbose", "runs"], "runs"),
    (["--help"], None), (["--version"], None), (["bogus", "runs"], None), ([], None),
    (["-h", "summarize"], None), (["-v", "--version"], None), (["--debug", "runs"], None),
])
def test_the_command_an_argv_names(argv, command):
    from summarizer.cli.main import command_named

    assert command_named(argv) == command


def test_a_command_imports_only_its_own_module():
    """`summarizer runs` builds the runs parser alone: the other commands' modules (the
    pipeline, the eval harness, the web server) are not imported for it."""
    import subprocess
    import sys

    from summarizer.cli.main import COMMANDS

    code = ("import sys; from summarizer.cli.main import build_parser, command_named; "
            "build_parser(command_named(['-v', 'runs', '--json'])); "
            f"print(sorted(m for m in sys.modules if m.rpartition('.')[2] in {COMMANDS!r} "
            "and m.startswith('summarizer.cli.')), 'summarizer.pipeline' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["['summarizer.cli.runs']", "False"]
