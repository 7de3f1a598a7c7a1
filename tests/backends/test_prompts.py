from __future__ import annotations

import pytest

from summarizer.backends.llm import prompts
from summarizer.errors import ConfigError


def test_templates_load_render_and_hash():
    t = prompts.load("map_source")
    assert t.name == "map_source.v4" and len(t.sha256) == 64
    system, user = t.render(max_sentences=3, articles="[1] A fact.", example="{}", focus="")
    assert system["role"] == "system" and "at most 3" in system["content"]
    assert "[1] A fact." in user["content"]
    assert prompts.load("reduce").name == "reduce.v4" and prompts.load("conflicts").name == "conflicts.v1"


def test_the_focus_reaches_the_map_and_reduce_prompts():
    from summarizer.backends.llm.common import focus_line

    line = focus_line("Who retook Kharkiv?")
    assert focus_line(None) == ""
    for name, values in [("map_source", {"articles": ""}), ("reduce", {"numbered": ""})]:
        system, _ = prompts.load(name).render(max_sentences=3, example="", focus=line, **values)
        assert "Who retook Kharkiv?" in system["content"]


def test_highest_version_wins_and_set_hash_tracks_changes(tmp_path):
    (tmp_path / "x.v1.md").write_text("---system\nold {a}\n---user\nu\n", encoding="utf-8")
    before = prompts.prompt_set_hash(tmp_path)
    (tmp_path / "x.v2.md").write_text("---system\nnew {a}\n---user\nu\n", encoding="utf-8")
    t = prompts.load("x", directory=tmp_path)
    assert t.name == "x.v2" and t.render(a=1)[0]["content"] == "new 1"
    assert prompts.load("x", 1, directory=tmp_path).name == "x.v1"
    assert prompts.prompt_set_hash(tmp_path) != before
    assert prompts.prompt_set_hash() == prompts.prompt_set_hash()


def test_bad_templates_are_config_errors(tmp_path):
    (tmp_path / "y.v1.md").write_text("no sections", encoding="utf-8")
    with pytest.raises(ConfigError):
        prompts.load("y", directory=tmp_path)
    with pytest.raises(ConfigError):
        prompts.load("missing", directory=tmp_path)
    with pytest.raises(ConfigError):
        prompts.load("map_source").render(title="t")  # placeholders missing
