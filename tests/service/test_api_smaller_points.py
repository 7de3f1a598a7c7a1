"""Issue 15 item 15, the smaller points (each through a real server): invalid JSON names the body,
a non-ASCII API key is refused at start, the page sends CSP and X-Frame-Options, /metrics can
require a key, and a 413 reaches clients that send the whole body before reading.
(NaN: test_api_options.py; the deleted database file: test_api_db_file.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.service.api_helpers import ROOT, free_port


def test_invalid_json_names_the_body_not_a_position(server):
    with server.client() as c:
        r = c.post("/v1/summaries", content=b'{"documents": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,',
                   headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == "body" and err["code"] == "invalid_json"
    assert "not valid JSON" in err["message"] and "character" in err["message"]


def test_non_ascii_api_key_is_refused_at_start_without_printing_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), SUMMARIZER_DATA_DIR=str(tmp_path), SUMMARIZER_BACKEND="extractive",
               SUMMARIZER_API_KEYS="good-key,sécret-clé")
    proc = subprocess.run([sys.executable, "-m", "summarizer", "serve", "--port", str(free_port())],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "SUMMARIZER_API_KEYS: key 2 of 2" in proc.stderr and "Traceback" not in proc.stderr
    assert "sécret" not in proc.stderr and "good-key" not in proc.stderr


def test_page_and_api_send_browser_security_headers(server):
    with server.client() as c:
        page = c.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        for r in (page, c.get("/v1/backends"), c.get("/docs")):
            assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["content-security-policy"] == csp


def test_metrics_need_a_key_when_keys_are_set_unless_public(make_server):
    srv = make_server(SUMMARIZER_API_KEYS="k1").start()
    with srv.client() as anonymous, srv.client("k1") as keyed:
        assert anonymous.get("/metrics").status_code == 401
        assert keyed.get("/metrics").status_code == 200
    srv.stop()
    srv.start(SUMMARIZER_METRICS_PUBLIC="true")
    with srv.client() as anonymous:
        assert anonymous.get("/metrics").status_code == 200


@pytest.mark.parametrize("size", [12_000_000])  # smaller bodies fit in the socket buffers
def test_413_reaches_a_client_that_sends_the_whole_body_first(make_server, size):
    srv = make_server(SUMMARIZER_MAX_REQUEST_BYTES="1000000").start()
    body = b'{"documents": [{"id": "a", "text": "' + b"x" * size + b'"}]}'
    request = urllib.request.Request(f"{srv.url}/v1/summaries", data=body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:  # not ConnectionResetError
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413
    assert b"payload_too_large" in caught.value.read()
