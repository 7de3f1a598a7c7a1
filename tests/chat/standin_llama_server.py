"""A stand-in for the local model server, for fault injection: it takes the launcher's arguments
(``PARENT_PID --extra-buffers on|off -- --port N ...``), serves ``GET /v1/models`` and answers
chat completions, or dies the way a faulting llama.cpp does, as ``STANDIN_MODE`` says:

* ``crash-on-completion``: every completion kills the process with SIGSEGV;
* ``crash-with-extra-buffers``: completions crash only when started with ``--extra-buffers on``;
* ``crash-after-probe``: the first completion (the start-up probe) is answered, the next crashes;
* ``exit-at-start``: exits with code 3 before listening.

Each start appends its ``--extra-buffers`` value to the file named by ``STANDIN_STARTS``.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = sys.argv[1:]
EXTRA = ARGS[ARGS.index("--extra-buffers") + 1]
PORT = int(ARGS[ARGS.index("--port") + 1])
ALIAS = ARGS[ARGS.index("--model_alias") + 1]
MODE = os.environ.get("STANDIN_MODE", "crash-on-completion")
COMPLETIONS = [0]


def should_crash() -> bool:
    COMPLETIONS[0] += 1
    if MODE == "crash-on-completion":
        return True
    if MODE == "crash-with-extra-buffers":
        return EXTRA == "on"
    if MODE == "crash-after-probe":
        return COMPLETIONS[0] > 1
    return False


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the log to what the test reads
        pass

    def _json(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._json({"object": "list", "data": [{"id": ALIAS, "object": "model"}]})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if should_crash():
            print("standin: faulting in a matrix kernel", flush=True)
            ctypes.string_at(0)  # a real segmentation fault in this thread: no reply is written
        self._json({"choices": [{"message": {"role": "assistant", "content": '{"topic": "sky"}'},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 5, "completion_tokens": 2}})


def main() -> None:
    starts = os.environ.get("STANDIN_STARTS")
    if starts:
        with open(starts, "a", encoding="utf-8") as f:
            f.write(EXTRA + "\n")
    print(f"standin: extra buffer types {EXTRA}, mode {MODE}", flush=True)
    if MODE == "exit-at-start":
        sys.exit(3)
    signal.signal(signal.SIGSEGV, signal.SIG_DFL)
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()


if __name__ == "__main__":
    main()
