"""/docs in Debian's Chromium with every request to another origin blocked: Swagger UI renders
the spec, so the docs work offline and load nothing from elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.web_helpers import CHROMIUM, CHROMIUM_ARGS
from tests.web_helpers import missing


def test_docs_render_offline(make_server):
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[dev]')")
    srv = make_server(SUMMARIZER_API_KEYS="k1").start()
    elsewhere, errors = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()

        def route(r):
            if r.request.url.startswith(srv.url + "/"):
                r.continue_()
            else:
                elsewhere.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        # ... and under the server's Content-Security-Policy (no inline script or style).
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{srv.url}/docs")
        page.wait_for_selector('[data-path="/v1/summaries"]', timeout=20_000)
        assert page.locator(".opblock").count() >= 12  # every operation is shown
        assert page.locator("button.authorize").count() == 1  # the bearer scheme: a key can be entered
        browser.close()
    assert elsewhere == [] and errors == []
