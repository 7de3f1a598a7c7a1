"""A local model server that dies: reported at once and plainly, and start-up falls back to the
safe configuration (extra buffer types off). A stand-in server process does the dying."""

from __future__ import annotations

import asyncio
import functools
import sys
import uuid
from pathlib import Path

import pytest

from summarizer.errors import LocalModelError
from summarizer.chat import providers
from summarizer.chat.protocol import ChatRequest
from summarizer.chat.local_server import LocalServer, cpu_advertises_amx, describe_exit
from summarizer.config.options import SummaryOptions
from summarizer.config.settings import Settings

STANDIN = [sys.executable, str(Path(__file__).with_name("standin_llama_server.py"))]
REQUEST = ChatRequest(messages=({"role": "user", "content": "Is the sky blue?"},), max_tokens=4)


@pytest.fixture
def standin(tmp_path, monkeypatch):
    """Run the stand-in instead of llama.cpp; returns a function giving the configurations started."""
    starts = tmp_path / "starts.txt"
    monkeypatch.setenv("STANDIN_STARTS", str(starts))
    # A real model file is not needed by the stand-in, but the path must exist.
    # A unique name: the alias it is served under tells this test's server from any other.
    fake_model = tmp_path / f"standin-{uuid.uuid4().hex[:8]}.gguf"
    fake_model.write_bytes(b"GGUF")

    def use(mode: str, extra_buffers: str = "on"):
        monkeypatch.setenv("STANDIN_MODE", mode)
        monkeypatch.setattr(providers, "LocalServer",
                            functools.partial(LocalServer, launcher=STANDIN, extra_buffers=extra_buffers))
        return lambda: starts.read_text().split() if starts.exists() else []

    settings = Settings(_env_file=None, data_dir=tmp_path, base_url=None, no_cache=True,
                        local_model_path=fake_model, max_retries=5, retry_max_wait=30.0,
                        local_startup_timeout=30)
    return use, settings


def run_one_call(settings):
    async def go():
        async with providers.chat_model_for("local", settings, SummaryOptions()) as model:
            reply = await model.complete(REQUEST)
            return reply, model
    return asyncio.run(go())


def test_server_dying_mid_request_is_reported_at_once(standin):
    use, settings = standin
    starts = use("crash-after-probe", extra_buffers="off")
    box = {}

    async def go():
        async with providers.chat_model_for("local", settings, SummaryOptions()) as model:
            box["model"] = model
            await model.complete(REQUEST)

    with pytest.raises(LocalModelError) as caught:
        asyncio.run(go())
    message = str(caught.value)
    assert "the local model server crashed (signal 11, SIGSEGV) while answering" in message
    assert "Last log lines" in message and "faulting in a matrix kernel" in message
    # Not retried like a network blip: one HTTP attempt, no backoff.
    assert box["model"].http_calls == 1
    assert starts() == ["off"]


def test_startup_falls_back_when_the_first_completion_kills_the_server(standin):
    use, settings = standin
    starts = use("crash-with-extra-buffers", extra_buffers="on")
    servers = []
    real_init = LocalServer.__init__

    def spy(self, *a, **kw):
        real_init(self, *a, **kw)
        servers.append(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LocalServer, "__init__", spy)
        reply, _ = run_one_call(settings)
    assert reply.content == '{"topic": "sky"}'
    assert starts() == ["on", "off"]  # died with extra buffers, answered without
    assert servers[0].fallbacks == 1 and servers[0].buffers_used == "off"


def test_crash_in_the_safe_configuration_gives_up_plainly(standin):
    use, settings = standin
    starts = use("crash-on-completion", extra_buffers="on")
    with pytest.raises(LocalModelError, match=r"crashed \(signal 11, SIGSEGV\) while answering its first "
                                              r"completion \(extra buffer types off\)"):
        run_one_call(settings)
    assert starts() == ["on", "off"]  # restarted once, then gave up


def test_exit_during_start_up_is_not_retried(standin):
    """A server that exits on its own before serving (bad model file, ...) is not a kernel fault."""
    use, settings = standin
    starts = use("exit-at-start", extra_buffers="on")
    with pytest.raises(LocalModelError, match=r"exited \(exit code 3\) while starting"):
        run_one_call(settings)
    assert starts() == ["on"]


def test_auto_turns_extra_buffers_off_on_amx_cpus(tmp_path, monkeypatch):
    from summarizer.chat import local_server

    amx = tmp_path / "cpuinfo-amx"
    amx.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 amx_bf16 amx_tile amx_int8\n\n")
    plain = tmp_path / "cpuinfo"
    plain.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n\n")
    assert cpu_advertises_amx(amx) and not cpu_advertises_amx(plain)
    assert not cpu_advertises_amx(tmp_path / "missing")

    for advertised, expected in ((True, "off"), (False, "on")):
        monkeypatch.setattr(local_server, "cpu_advertises_amx", lambda: advertised)
        assert LocalServer(extra_buffers="auto").first_configuration() == expected
    assert LocalServer(extra_buffers="on").first_configuration() == "on"
    with pytest.raises(LocalModelError, match="auto, on or off"):
        LocalServer(extra_buffers="maybe")


def test_describe_exit():
    assert describe_exit(-11) == "signal 11, SIGSEGV"
    assert describe_exit(-9) == "signal 9, SIGKILL"
    assert describe_exit(1) == "exit code 1"


def test_local_model_answers_ping_and_a_dead_server_says_so(standin):
    """Readiness of the local model goes through the same client as its completions; a server
    that died is reported as such (with its exit), not as a network blip."""
    use, settings = standin
    use("crash-after-probe", extra_buffers="off")
    servers = []
    real_init = LocalServer.__init__

    def spy(self, *a, **kw):
        real_init(self, *a, **kw)
        servers.append(self)

    async def go():
        async with providers.chat_model_for("local", settings, SummaryOptions()) as model:
            await model.ping()  # alive: GET /v1/models answered
            servers[0].process.kill()
            servers[0].process.wait()
            model.ping_check.seconds = 0
            await model.ping()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LocalServer, "__init__", spy)
        with pytest.raises(LocalModelError, match=r"crashed \(signal 9, SIGKILL\) while answering"):
            asyncio.run(go())


def test_the_server_log_is_kept_where_asked_and_appended_to(standin, tmp_path):
    use, settings = standin
    use("crash-with-extra-buffers", extra_buffers="off")  # serves normally with them off
    kept = tmp_path / "logs" / "llama.log"
    settings = settings.model_copy(update={"local_log": kept})
    for _ in range(2):
        reply, _model = run_one_call(settings)
        assert reply.content
    assert kept.read_text().count("standin: extra buffer types off") == 2  # both runs, nothing removed


def test_an_unwritable_server_log_path_is_a_plain_error(standin, tmp_path):
    use, settings = standin
    use("crash-with-extra-buffers", extra_buffers="off")
    settings = settings.model_copy(update={"local_log": tmp_path})  # a folder, not a file
    with pytest.raises(LocalModelError, match="SUMMARIZER_LOCAL_LOG"):
        run_one_call(settings)
