"""The cyclic GC is paused while ``prepare`` allocates, and always restored afterwards."""

import gc
import threading

import pytest

from summarizer.backends.base import Backend, Draft
from summarizer.contract.documents import Document
from summarizer.errors import InputError
from summarizer.prepare.corpus import prepare
from summarizer.prepare.gcpause import gc_paused

from ..conftest import SEEDS


@pytest.fixture(autouse=True)
def gc_enabled_around():
    gc.enable()
    yield
    assert gc.isenabled(), "a test left the collector disabled"


def test_pause_disables_and_restores():
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pauses_nest():
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_inside_restores_the_collector():
    with pytest.raises(RuntimeError):
        with gc_paused():
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_last():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with gc_paused():
            second_in.set()
            first_out.wait(5)
            seen["after_first_left"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after_first_left": False}
    assert gc.isenabled()


def test_prepare_runs_with_the_collector_paused_and_restores_it():
    docs = [Document(f"d{i}", f"Report {i}. Officials said {i} things.\n\nMore text {i}.") for i in range(60)]
    states = []
    prepare(docs, progress=lambda stage, info: states.append(gc.isenabled()))
    assert states and not any(states)
    assert gc.isenabled()


def test_prepare_restores_the_collector_when_it_fails_midway():
    def cancel(stage, info):
        raise InputError("cancelled by the caller")

    with pytest.raises(InputError):
        prepare([Document("a", "Some text. More text.")], progress=cancel)
    assert gc.isenabled()


def test_the_summarize_command_freezes_what_outlives_it(monkeypatch):
    from summarizer.cli import summarize as command

    gc.unfreeze()
    monkeypatch.setattr(command, "_run", lambda args: 0)
    try:
        assert command.run(None) == 0
        assert gc.get_freeze_count() > 0  # what outlives the command is left out of the exit's collections
    finally:
        gc.unfreeze()


def test_a_failing_summarize_command_freezes_nothing(monkeypatch):
    from summarizer.cli import summarize as command

    def fail(args):
        raise InputError("no such file")

    gc.unfreeze()
    monkeypatch.setattr(command, "_run", fail)
    with pytest.raises(InputError):
        command.run(None)
    assert gc.get_freeze_count() == 0


class _Stub(Backend):
    name = "stub"

    def __init__(self, cpu_bound: bool) -> None:
        self.cpu_bound = cpu_bound

    async def summarize(self, corpus, options, progress) -> Draft:
        raise AssertionError("not reached")


@pytest.mark.parametrize("cpu_bound", [True, False])
def test_the_collector_is_paused_for_a_cpu_bound_command_only_and_restored(monkeypatch, tmp_path, cpu_bound):
    """A run that waits on a model keeps collecting its cyclic garbage."""
    from summarizer.cli import summarize as command
    from summarizer.cli.main import build_parser

    seen = []

    def run_summary(read, options, settings, progress, backend):
        seen.append(gc.isenabled())
        raise InputError("stop here")

    monkeypatch.setattr(command.backends, "create", lambda *a, **k: _Stub(cpu_bound))
    monkeypatch.setattr(command, "run_summary", run_summary)
    monkeypatch.setenv("SUMMARIZER_DATA_DIR", str(tmp_path))
    args = build_parser().parse_args(["summarize", str(SEEDS), "--backend", "extractive", "--quiet",
                                      "-o", str(tmp_path / "out.json")])
    try:
        with pytest.raises(InputError):
            command.run(args)
    finally:
        gc.unfreeze()
    assert seen == [not cpu_bound]
    assert gc.isenabled()
