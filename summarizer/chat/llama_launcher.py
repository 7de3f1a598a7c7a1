"""Runs llama-cpp-python's OpenAI-compatible server, configured for any CPU.

Executed as a script by ``LocalServer`` (by path, so the child does not import this package):

    python llama_launcher.py PARENT_PID --extra-buffers on|off -- <llama_cpp.server arguments>

Why a launcher instead of ``python -m llama_cpp.server``:

* ``--extra-buffers off`` loads the model with ``llama_model_params.use_extra_bufts = False``.
  llama.cpp compiled natively puts weights into "extra buffer types" (CPU repacking, Intel AMX).
  On CPUs that advertise AMX (Sapphire-Rapids-class cloud VMs) the AMX path can fault at
  ``ldtilecfg`` and kill the server on the first completion. llama-cpp-python's server has no
  flag for this, so the launcher makes ``llama_model_default_params`` hand out params with the
  field cleared before the server loads the model.
* Greedy requests with a grammar (every structured reply we ask for) are sampled the way
  llama.cpp's own server samples them: the grammar is asked about the chosen token only, and
  filters the whole vocabulary only when it rejects it (``llama_sampling.py``; same tokens,
  without tens of milliseconds of grammar work per generated token).
* The model loads in a thread while the server's web stack (FastAPI, pydantic models) imports:
  llama.cpp reads the weights with the GIL released, so on two cores the 0.3-0.4 s load and the
  0.5-1 s of imports overlap instead of adding up before the server answers.
* On Linux the child asks the kernel to SIGKILL it when its parent dies (``PR_SET_PDEATHSIG``),
  so a killed CLI or API process never leaves a model server behind. Done here rather than in
  ``preexec_fn``, which is unsafe in a threaded parent (the API server runs SQLite in threads).
"""

from __future__ import annotations

import os
import sys


def die_with_parent(parent_pid: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        # SIGKILL, not SIGTERM: on SIGTERM the server first finishes the completion in progress
        # (uvicorn's graceful shutdown), which can keep an orphan busy for minutes.
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not fatal: atexit and __aexit__ still stop the server
    if os.getppid() != parent_pid:
        sys.exit("parent already gone")


def disable_extra_buffers(set_attribute=setattr) -> None:  # type: ignore[no-untyped-def]
    """Make every model load use plain CPU buffers (no repacking, no AMX). ``set_attribute``
    makes the change (a test passes its monkeypatch's, to undo it after loading a model)."""
    import llama_cpp
    import llama_cpp.llama as llama_module

    original = llama_cpp.llama_model_default_params

    def safe_default_params():  # type: ignore[no-untyped-def]
        params = original()
        if hasattr(params, "use_extra_bufts"):
            params.use_extra_bufts = False
        return params

    # Llama.__init__ reaches the function through the ``llama_cpp`` module object it imported.
    for module in {llama_cpp, getattr(llama_module, "llama_cpp", llama_cpp)}:
        set_attribute(module, "llama_model_default_params", safe_default_params)


def preload_model(server_args: list[str]) -> None:
    """Start loading the model the server is asked for in a thread, and make the server take it.

    The server's own ``LlamaProxy`` loads its default model through
    ``load_llama_from_model_settings``; that loader is replaced by one that waits for the
    thread's model when asked for the same settings (parsed from the same arguments, by the
    server's own argument code), and loads as before otherwise. An error of the thread's load is
    raised by the replaced loader, where the server would have raised its own."""
    import argparse
    import threading

    from llama_cpp.server.cli import add_args_from_model, parse_model_from_args
    from llama_cpp.server.model import LlamaProxy
    from llama_cpp.server.settings import ModelSettings, Settings

    parser = argparse.ArgumentParser(add_help=False)
    add_args_from_model(parser, Settings)
    settings = parse_model_from_args(ModelSettings, parser.parse_known_args(server_args)[0])
    load = LlamaProxy.load_llama_from_model_settings
    loaded: dict[str, object] = {}

    def run() -> None:
        try:
            loaded["model"] = load(settings)
        except BaseException as exc:  # re-raised in the server's thread, below
            loaded["error"] = exc

    thread = threading.Thread(target=run, name="model-preload", daemon=True)
    thread.start()

    def take_preloaded(wanted: ModelSettings):  # type: ignore[no-untyped-def]
        thread.join()
        LlamaProxy.load_llama_from_model_settings = staticmethod(load)  # once only
        if "error" in loaded:
            raise loaded.pop("error")  # type: ignore[misc]
        model = loaded.pop("model")
        if wanted == settings:
            print("summarizer launcher: serving the model loaded while the server imported", flush=True)
            return model
        model.close()  # type: ignore[attr-defined]
        return load(wanted)

    LlamaProxy.load_llama_from_model_settings = staticmethod(take_preloaded)


def main(argv: list[str]) -> None:
    if len(argv) < 4 or argv[1] != "--extra-buffers" or argv[2] not in ("on", "off") or argv[3] != "--":
        sys.exit("usage: llama_launcher.py PARENT_PID --extra-buffers on|off -- SERVER_ARGS...")
    die_with_parent(int(argv[0]))
    if argv[2] == "off":
        disable_extra_buffers()
    import llama_sampling  # beside this file: the script's directory is first on sys.path

    llama_sampling.install()
    preload_model(argv[4:])
    print(f"summarizer launcher: extra buffer types {argv[2]}, grammar checked per token", flush=True)
    from llama_cpp.server.__main__ import main as server_main

    sys.argv = ["llama_cpp.server", *argv[4:]]
    server_main()


if __name__ == "__main__":
    main(sys.argv[1:])
