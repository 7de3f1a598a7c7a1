"""Issue 15 item 11 (and 15's NaN point): every option checked when the request arrives.

Before: ``encoding: "nope"`` was a 422 on /v1/summaries but a 202 on /v1/jobs (the job failed
later), and ``gpt2`` / ``r50k_base`` made the server download a tokenizer file during the request.
Now both routes answer 422 naming ``options.encoding`` and the server never opens a connection:
the test points HTTP(S)_PROXY at a loopback listener that counts connection attempts.
"""

from __future__ import annotations

import socket
import threading

import pytest

TEXT = "The committee approved the proposal after a long debate on Thursday. It meets again in May."


class ConnectionCounter:
    """A loopback listener standing in for a proxy: any download attempt connects here."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    from tests.service.api_helpers import Server

    proxy = ConnectionCounter()
    env = {name: proxy.url for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    srv = Server(tmp_path_factory.mktemp("options"), {**env, "NO_PROXY": "", "no_proxy": ""}).start()
    yield srv, proxy
    srv.stop()
    proxy.sock.close()


@pytest.mark.parametrize("path", ["/v1/jobs", "/v1/summaries"])
@pytest.mark.parametrize("encoding", ["nope", "gpt2", "r50k_base"])
def test_encoding_checked_at_submission_and_never_downloaded(watched, path, encoding):
    srv, proxy = watched
    with srv.client() as c:
        r = c.post(path, json={"documents": [{"id": "a", "text": TEXT}], "options": {"encoding": encoding}})
    assert proxy.connections == 0
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err.get("field") == "options.encoding" and "cl100k_base" in err["message"]


@pytest.mark.parametrize("options,field,words", [
    ({"chunk_tokens": 64, "chunk_overlap": 64}, "options.chunk_overlap", "less than chunk_tokens"),
    ({"temperature": "NaN"}, "options.temperature", "finite"),
    ({"dedup_threshold": "Infinity"}, "options.dedup_threshold", "finite"),
])
def test_options_that_used_to_fail_late_or_unclearly(watched, options, field, words):
    srv, _ = watched
    with srv.client() as c:
        for path in ("/v1/jobs", "/v1/summaries"):
            r = c.post(path, json={"documents": [{"id": "a", "text": TEXT}], "options": options})
            assert r.status_code == 422, r.text
            err = r.json()["error"]
            assert err["field"] == field and words in err["message"], err


def test_nan_literal_in_the_json_body(watched):
    srv, _ = watched
    raw = '{"documents": [{"id": "a", "text": "%s"}], "options": {"temperature": NaN}}' % TEXT
    with srv.client() as c:
        r = c.post("/v1/jobs", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "finite" in r.json()["error"]["message"], r.text
