"""Extension points, exercised the way a third party uses them: a tiny plugin "installed" as a
distribution (a ``*.dist-info`` folder with ``entry_points.txt``, on the path; no pip), found
through the ``summarizer.backends`` and ``summarizer.chat_models`` entry-point groups by the
library, the CLI and the service alike; and ``SUMMARIZER_PLUGINS`` modules in the CLI."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from summarizer import backends
from summarizer.backends import BACKENDS
from summarizer.chat.providers import chat_model_for
from summarizer.chat.registry import PROVIDERS
from summarizer.config.options import SummaryOptions
from summarizer.config.settings import Settings
from summarizer.errors import ConfigError
from summarizer.pipeline import summarize
from summarizer.testing.fake_openai import FakeOpenAIServer

from .llm_helpers import LINE_RE, seed_docs

ROOT = Path(__file__).resolve().parents[1]

BACKEND_PLUGIN = '''
from summarizer.backends import Backend
from summarizer.backends.extractive import ExtractiveBackend


class FirstSentenceBackend(Backend):
    """Each source's first extractive pick, nothing consolidated."""

    name = "first-sentence"

    async def summarize(self, corpus, options, progress):
        draft = await ExtractiveBackend().summarize(corpus, options, progress)
        draft.per_source = {sid: picks[:1] for sid, picks in draft.per_source.items()}
        draft.stats["plugin"] = "tiny-backend-plugin"
        return draft


def factory(settings, options):
    return FirstSentenceBackend()
'''

PROVIDER_PLUGIN = '''
import contextlib

from summarizer.chat.openai_client import OpenAIChatModel


@contextlib.asynccontextmanager
async def echo_provider(settings, options):
    """Any OpenAI-compatible endpoint, under this plugin's own model name, with no reply cache."""
    model = OpenAIChatModel(settings.base_url, "echo-1", max_retries=0)
    try:
        yield model
    finally:
        await model.aclose()
'''


def install_plugin(where: Path, dist: str, group: str, name: str, module: str, source: str, attr: str) -> Path:
    """Write ``module.py`` and a ``dist-0.1.dist-info`` declaring ``name = module:attr`` in ``group``."""
    where.mkdir(parents=True, exist_ok=True)
    (where / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = where / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {module}:{attr}\n", encoding="utf-8")
    return where


@pytest.fixture
def on_path(monkeypatch):
    """Put folders on sys.path for this test; registries re-scan entry points before and after."""

    def add(folder: Path) -> None:
        monkeypatch.syspath_prepend(str(folder))  # also invalidates importlib's caches
        BACKENDS.rediscover()
        PROVIDERS.rediscover()

    yield add
    BACKENDS.rediscover()
    PROVIDERS.rediscover()


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    full.update(env)
    return subprocess.run([sys.executable, "-m", "summarizer", *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=120)


# -- backends ----------------------------------------------------------------------------------


def test_backend_plugin_from_an_entry_point(tmp_path, on_path):
    on_path(install_plugin(tmp_path / "site", "tiny-backend", "summarizer.backends", "first-sentence",
                           "tiny_backend_plugin", BACKEND_PLUGIN, "factory"))
    assert "first-sentence" in backends.available()
    docs = seed_docs()
    result = asyncio.run(summarize(docs, SummaryOptions(backend="first-sentence"), Settings(_env_file=None)))
    assert result.stats.backend == "first-sentence"
    assert result.stats.model_dump()["plugin"] == "tiny-backend-plugin"
    assert [len(ps.summary) for ps in result.per_source] == [1] * len(docs)


def test_backend_plugin_from_an_entry_point_in_the_cli(tmp_path):
    site = install_plugin(tmp_path / "site", "tiny-backend", "summarizer.backends", "first-sentence",
                          "tiny_backend_plugin", BACKEND_PLUGIN, "factory")
    proc = run_cli("summarize", "seeds", "--backend", "first-sentence", "--quiet",
                   env={"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
                        "SUMMARIZER_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["stats"]["backend"] == "first-sentence" and result["stats"]["plugin"] == "tiny-backend-plugin"


def test_summarizer_plugins_work_in_the_cli_too(tmp_path):
    """``SUMMARIZER_PLUGINS`` used to be imported by the service only."""
    proc = run_cli("summarize", "seeds", "--backend", "slow", "--quiet",
                   env={"PYTHONPATH": str(ROOT), "SUMMARIZER_DATA_DIR": str(tmp_path),
                        "SUMMARIZER_PLUGINS": "tests.service.slow_backend", "SUMMARIZER_TEST_SLOW_SECONDS": "0"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stats"]["backend"] == "slow"


def test_unimportable_plugin_module_is_a_one_line_error(tmp_path):
    proc = run_cli("summarize", "seeds", "--backend", "extractive", "--quiet",
                   env={"PYTHONPATH": str(ROOT), "SUMMARIZER_DATA_DIR": str(tmp_path),
                        "SUMMARIZER_PLUGINS": "no_such_plugin_module"})
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "summarizer: error: plugin module 'no_such_plugin_module' (SUMMARIZER_PLUGINS) cannot be imported: "
        "ModuleNotFoundError: No module named 'no_such_plugin_module'"]


def test_broken_plugin_fails_only_the_runs_that_use_it(tmp_path, on_path):
    on_path(install_plugin(tmp_path / "site", "broken", "summarizer.backends", "broken",
                           "broken_plugin", "raise RuntimeError('half-installed')\n", "factory"))
    assert "broken" in backends.available()
    assert backends.create("extractive", Settings(_env_file=None), SummaryOptions()).name == "extractive"
    with pytest.raises(ConfigError, match=r"backend plugin 'broken' \(broken_plugin:factory\) failed to "
                                          r"load: RuntimeError: half-installed"):
        backends.create("broken", Settings(_env_file=None), SummaryOptions())


def test_entry_points_are_scanned_once_per_process(tmp_path, on_path):
    on_path(tmp_path)
    assert "late" not in backends.available()  # scanned here
    install_plugin(tmp_path, "late", "summarizer.backends", "late", "late_plugin", BACKEND_PLUGIN, "factory")
    importlib.invalidate_caches()
    # Installed after the scan: unseen until asked to scan again (no per-request scanning).
    assert "late" not in backends.available()
    BACKENDS.rediscover()
    assert "late" in backends.available()


def test_a_factory_must_build_a_backend(request):
    backends.register("not-a-backend", lambda settings, options: object())
    request.addfinalizer(lambda: BACKENDS.unregister("not-a-backend"))
    with pytest.raises(ConfigError, match="not a summarizer.backends.Backend subclass"):
        backends.create("not-a-backend", Settings(_env_file=None), SummaryOptions())


# -- chat providers ----------------------------------------------------------------------------


def llm_handler(body: dict) -> dict:
    if "pairs of sentences" in body["messages"][0]["content"]:
        return {"conflicts": []}
    lines = LINE_RE.findall(body["messages"][-1]["content"])
    return {"sentences": [{"text": t, "cites": [int(n)]} for n, t in lines[:2]]}


def test_chat_provider_plugin_is_a_backend(tmp_path, on_path):
    on_path(install_plugin(tmp_path / "site", "echo-provider", "summarizer.chat_models", "echo",
                           "echo_provider_plugin", PROVIDER_PLUGIN, "echo_provider"))
    assert "echo" in backends.available()
    docs = seed_docs()
    with FakeOpenAIServer(llm_handler) as server:
        settings = Settings(_env_file=None, base_url=server.base_url, data_dir=tmp_path)
        result = asyncio.run(summarize(docs, SummaryOptions(backend="echo"), settings))
        sent_models = {body["model"] for body in server.requests}
    assert result.stats.backend == "echo"
    assert result.stats.model_dump()["model"] == "echo-1" and sent_models == {"echo-1"}
    assert result.stats.model_dump()["llm_calls"] == len(server.requests) > 0


def test_builtin_names_win_over_entry_points(tmp_path):
    """An installed package cannot take over "openai", neither as a provider nor as a backend."""
    site = install_plugin(tmp_path / "site", "hijack", "summarizer.chat_models", "openai",
                          "hijack_provider", PROVIDER_PLUGIN, "echo_provider")
    install_plugin(site, "hijack-backend", "summarizer.backends", "openai", "hijack_backend",
                   BACKEND_PLUGIN, "factory")
    with FakeOpenAIServer(llm_handler) as server:
        proc = run_cli("summarize", "seeds", "--backend", "openai", "--quiet",
                       env={"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
                            "SUMMARIZER_DATA_DIR": str(tmp_path), "SUMMARIZER_BASE_URL": server.base_url,
                            "SUMMARIZER_MODEL": "built-in", "SUMMARIZER_NO_CACHE": "1"})
        sent_models = {body["model"] for body in server.requests}
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stdout)["stats"]
    assert stats["backend"] == "openai" and "plugin" not in stats  # not the hijacking backend
    assert sent_models == {"built-in"}  # not the hijacking provider's "echo-1"


def test_provider_must_yield_a_chat_model(request):
    import contextlib

    @contextlib.asynccontextmanager
    async def wrong(settings, options):
        yield "not a model"

    PROVIDERS.register("wrong", wrong)
    request.addfinalizer(lambda: PROVIDERS.unregister("wrong"))

    async def go():
        async with chat_model_for("wrong", Settings(_env_file=None)):
            pass

    with pytest.raises(ConfigError, match="yielded a str, not a summarizer.chat.protocol.ChatModel"):
        asyncio.run(go())
