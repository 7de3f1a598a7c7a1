"""Grammar checked per token gives exactly llama-cpp-python's greedy tokens (the bundled model)."""

from __future__ import annotations

from pathlib import Path

import pytest

llama_cpp = pytest.importorskip("llama_cpp")
from llama_cpp import llama as llama_module  # noqa: E402

from summarizer.chat import llama_sampling  # noqa: E402
from summarizer.chat.llama_launcher import disable_extra_buffers  # noqa: E402
from summarizer.chat.local_server import cpu_advertises_amx, find_bundled_model  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SCHEMA = {
    "type": "object",
    "properties": {"sentences": {"type": "array", "items": {"type": "integer"}},
                   "headline": {"type": "string"}},
    "required": ["sentences", "headline"],
}


@pytest.fixture(scope="module")
def model():
    # Loaded as the bundled model's server loads it: on a CPU that advertises Intel AMX without
    # llama.cpp's extra buffer types, whose AMX path can fault on the first completion.
    with pytest.MonkeyPatch.context() as patch:
        if cpu_advertises_amx():
            disable_extra_buffers(patch.setattr)
        return llama_cpp.Llama(model_path=str(find_bundled_model()), n_ctx=2048, n_threads=1, verbose=False)


def replies(model, count: int = 2, **params) -> list[str]:
    texts = []
    for path in sorted(SEEDS.glob("*"))[:count]:
        messages = [{"role": "system", "content": "Give the headline and the numbers of the key sentences as JSON."},
                    {"role": "user", "content": path.read_text()[:1200]}]
        reply = model.create_chat_completion(messages=messages, max_tokens=40, seed=1,
                                             response_format={"type": "json_object", "schema": SCHEMA}, **params)
        texts.append(reply["choices"][0]["message"]["content"])
    return texts


@pytest.mark.llm
def test_same_tokens_as_the_full_vocabulary_filter(model, monkeypatch):
    expected = replies(model, temperature=0.0, repeat_penalty=1.1)
    checked = {"asked": 0, "rejected": 0}
    allows = llama_sampling.GrammarCheckedGreedy.grammar_allows

    def counting(self, token):
        allowed = allows(self, token)
        checked["asked"] += 1
        checked["rejected"] += not allowed
        return allowed

    monkeypatch.setattr(llama_sampling.GrammarCheckedGreedy, "grammar_allows", counting)
    monkeypatch.setattr(llama_module.Llama, "_init_sampler",
                        llama_sampling.grammar_checked(llama_module.Llama._init_sampler))
    assert replies(model, temperature=0.0, repeat_penalty=1.1) == expected
    assert checked["asked"] >= 2 * 10
    assert checked["rejected"] > 0  # the fallback to the whole vocabulary ran and agreed too


@pytest.mark.llm
def test_sampling_with_temperature_keeps_the_original_chain(model, monkeypatch):
    monkeypatch.setattr(llama_module.Llama, "_init_sampler",
                        llama_sampling.grammar_checked(llama_module.Llama._init_sampler))
    created = []
    monkeypatch.setattr(llama_sampling, "GrammarCheckedGreedy", lambda *a: created.append(a))
    replies(model, count=1, temperature=0.7)
    assert created == []
