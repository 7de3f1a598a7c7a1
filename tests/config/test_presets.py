"""Provider presets: ``--model PROVIDER:MODEL[@URL]`` -> endpoint + model (pure)."""

from __future__ import annotations

import pytest

from summarizer.config.presets import Endpoint, resolve_preset
from summarizer.errors import ConfigError


@pytest.mark.parametrize("spec, expected", [
    ("ollama:llama3.2", Endpoint("openai", "http://127.0.0.1:11434/v1", "llama3.2")),
    ("ollama:llama3.2:3b", Endpoint("openai", "http://127.0.0.1:11434/v1", "llama3.2:3b")),
    ("vllm:Qwen/Qwen2.5-7B-Instruct@http://gpu-box:8000/v1",
     Endpoint("openai", "http://gpu-box:8000/v1", "Qwen/Qwen2.5-7B-Instruct")),
    ("vllm:m", Endpoint("openai", "http://127.0.0.1:8000/v1", "m")),
    ("openai:gpt-4o-mini", Endpoint("openai", "https://api.openai.com/v1", "gpt-4o-mini")),
    ("lmstudio:qwen2.5-7b-instruct", Endpoint("openai", "http://127.0.0.1:1234/v1", "qwen2.5-7b-instruct")),
    ("llamacpp:model@https://host/v1/", Endpoint("openai", "https://host/v1", "model")),
    ("OLLAMA:llama3.2", Endpoint("openai", "http://127.0.0.1:11434/v1", "llama3.2")),
    ("ollama:name@with-at@http://h:1/v1", Endpoint("openai", "http://h:1/v1", "name@with-at")),
])
def test_presets(spec, expected):
    assert resolve_preset(spec) == expected


@pytest.mark.parametrize("spec", ["llama3.2", "llama3.2:3b", "gpt-4o-mini", "hf:org/model", "http://x/v1"])
def test_plain_model_names_are_not_presets(spec):
    assert resolve_preset(spec) is None


@pytest.mark.parametrize("spec", ["ollama:", "vllm:@http://h:8000/v1"])
def test_preset_without_a_model_is_an_error(spec):
    with pytest.raises(ConfigError, match="give a model name after"):
        resolve_preset(spec)
