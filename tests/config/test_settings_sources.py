"""Where settings come from: arguments > environment > .env > config file > OPENAI_* fallbacks."""

from __future__ import annotations

import pytest

from summarizer.config.settings import Settings
from summarizer.config.sources import user_config_path
from summarizer.errors import ConfigError


@pytest.fixture
def clean(monkeypatch, tmp_path):
    import os

    for name in list(os.environ):
        if name.startswith(("SUMMARIZER_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)  # no .env
    return tmp_path


def write_config(root, text: str):
    path = root / "xdg" / "summarizer" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_file_in_the_platform_folder(clean):
    path = write_config(clean, 'model = "cfg-model"\nSUMMARIZER_MAX_CONCURRENCY = 2\nprice_prompt_per_1k = 0.1\n')
    assert user_config_path() == path
    s = Settings()
    assert (s.model, s.max_concurrency, s.price_prompt_per_1k) == ("cfg-model", 2, 0.1)


def test_precedence(clean, monkeypatch):
    write_config(clean, 'model = "cfg"\nbase_url = "http://cfg/v1"\napi_key = "cfg-key"\n')
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "openai-key")
    s = Settings()
    assert (s.model, s.base_url, s.api_key.get_secret_value()) == ("cfg", "http://cfg/v1", "cfg-key")
    (clean / ".env").write_text("SUMMARIZER_MODEL=dotenv\n", encoding="utf-8")
    assert Settings().model == "dotenv"
    monkeypatch.setenv("SUMMARIZER_MODEL", "env")
    assert Settings().model == "env"
    assert Settings(model="arg").model == "arg"


def test_openai_variables_are_fallbacks(clean, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "openai-key")
    s = Settings()
    assert s.base_url == "http://openai-env/v1" and s.api_key.get_secret_value() == "openai-key"
    assert s.default_backend() == "openai"
    monkeypatch.setenv("SUMMARIZER_API_KEY", "own-key")
    assert Settings().api_key.get_secret_value() == "own-key"


@pytest.mark.parametrize("text, message", [
    ("modle = 'x'\n", "unknown setting 'modle'"),
    ("model = \n", "not valid TOML"),
])
def test_bad_config_file_is_named(clean, text, message):
    path = write_config(clean, text)
    with pytest.raises(ConfigError, match=f"config file {path}: {message}"):
        Settings()


def test_named_config_file_must_exist(clean, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(clean / "nope.toml"))
    with pytest.raises(ConfigError, match="nope.toml: no such file"):
        Settings()
