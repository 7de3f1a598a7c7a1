"""The web page in a real headless Chromium against a real server (extractive backend, tmp DB).

Chromium is Debian's package (``apt-get install -y chromium``), driven by Playwright for Python
without Playwright's own browser download. Without Chromium the tests fail in CI (``CI=true``)
and skip locally. The page is served with a Content-Security-Policy (no eval), so waits use
selectors (``:has-text``), not ``wait_for_function`` strings. Screenshots go to tests/artifacts/ (path printed).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.web_helpers import (SEEDS, add_files, browser, highlight, in_view, run_job, screenshot, server,  # noqa: F401 (fixtures)
                               start_server, stop)

# Astral characters (two UTF-16 units each) before every sentence: a highlight that slices the
# JS string with Python offsets would be off by several characters.
EMOJI_DOC = (
    "🚀🌍 Space news roundup 🛰️\n\n"
    "The 🚀 launch of the new weather satellite went ahead on Tuesday morning after two delays caused by high winds. "
    "Engineers 👩‍🚀 confirmed that all instruments powered on within an hour of reaching orbit. "
    "The satellite will measure sea surface temperatures 🌊 and cloud cover over the Atlantic for at least seven years. "
    "Officials said the first images would be released to the public next month.\n"
)


def test_upload_run_and_open_citations(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    result = run_job(page, server, SEEDS, pasted=EMOJI_DOC)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS} | {"pasted-1": EMOJI_DOC}
    assert {s["id"] for s in result["sources"]} == set(texts)
    assert page.locator("#progress").evaluate("p => p.value") == 1

    # The first citation of the consolidated summary opens its source with exactly that span lit.
    cited = result["consolidated"][0]["citations"][0]
    page.locator("#consolidated button.cite").first.click()
    assert highlight(page, cited) == cited["text"] == texts[cited["source_id"]][cited["start"]:cited["end"]]
    assert page.evaluate("document.activeElement.id") == "cited-span"  # focus follows to the span
    assert in_view(page)
    # What cleaning left out is dimmed with its reason; dedup'd passages link their occurrences.
    assert page.locator("#source-text .junk[title*='Left out by cleaning']").count() > 0
    screenshot(page, "web-result.png")

    # The emoji document: code-point offsets must be converted to UTF-16 before slicing.
    emoji = next(ps for ps in result["per_source"] if ps["source_id"] == "pasted-1")
    first = emoji["summary"][0]["citations"][0]
    assert EMOJI_DOC[: first["start"]].count("🚀") >= 1  # astral characters really precede the span
    page.locator("#per-source-list button.cite[data-source='pasted-1']").first.focus()
    page.keyboard.press("Enter")  # keyboard only: citations are real buttons
    assert highlight(page, first) == first["text"] == EMOJI_DOC[first["start"]:first["end"]]
    assert in_view(page)

    # Escape closes the source and gives focus back to the citation that opened it.
    page.keyboard.press("Escape")
    assert page.locator("#source-view").is_hidden()
    assert page.evaluate("document.activeElement.dataset.source") == "pasted-1"
    page.close()


def test_duplicate_links_and_downloads(browser, server, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    result = run_job(page, server, SEEDS)
    analysis = httpx.get(f"{server}/v1/jobs/{result['job_id']}/analysis", timeout=30).json()
    group = analysis["duplicate_groups"][0]
    target = group[1]
    # Open the source holding the group's first occurrence (through one of its citations), then
    # follow the dedup link from occurrence 1 to occurrence 2.
    page.evaluate("""([sid]) => {
        const b = [...document.querySelectorAll('button.cite')].find(b => b.dataset.source === sid);
        b.click();
    }""", [group[0]["source_id"]])
    page.wait_for_selector("#source-text button.dup-link")
    link = page.locator("#source-text button.dup-link", has_text=f"1/{len(group)}").first
    link.click()
    expected = next(s["text"] for s in analysis["sources"] if s["id"] == target["source_id"])
    assert highlight(page, target) == expected[target["start"]:target["end"]]

    with page.expect_download() as dl:
        page.click("#dl-md")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# Summary") and result["consolidated"][0]["text"] in md
    with page.expect_download() as dl:
        page.click("#dl-json")
    assert json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))["consolidated"] == result["consolidated"]

    # Narrow screen: one column, nothing wider than the viewport.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "web-narrow.png")
    page.close()


def test_errors_are_shown_in_words(browser, server):
    page = browser.new_page()
    page.goto(server + "/")
    page.click("#start")
    assert "Add at least one document" in page.text_content("#error")
    add_files(page, [SEEDS[0]], 1)
    page.fill("#per-source", "50")  # the API allows at most 20: the page says so before sending
    page.click("#start")
    page.wait_for_selector("#error:not([hidden])")
    page.wait_for_selector("#error:has-text('per_source_sentences')")
    assert page.locator("#start").is_enabled()
    page.close()


def test_api_key_is_sent_and_kept_in_session_storage(browser, tmp_path):
    proc, url = start_server(tmp_path, SUMMARIZER_API_KEYS="k-web-test")
    try:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#error:has-text('backends')")
        page.click("#api-key-box summary")
        page.fill("#api-key", "k-web-test")
        page.press("#api-key", "Enter")
        page.wait_for_selector("#backend option[value=extractive]", state="attached")
        assert page.evaluate("sessionStorage.getItem('summarizer.apiKey')") == "k-web-test"
        assert page.evaluate("localStorage.length") == 0
        page.select_option("#backend", "extractive")
        add_files(page, [SEEDS[0]], 1)
        page.click("#start")
        page.wait_for_selector("#result:not([hidden])", timeout=120_000)
        job_id = page.get_attribute("#job-meta", "data-job-id")
        assert httpx.get(f"{url}/v1/jobs/{job_id}/result", timeout=30).status_code == 401
        result = httpx.get(f"{url}/v1/jobs/{job_id}/result", timeout=30,
                           headers={"Authorization": "Bearer k-web-test"}).json()
        cited = result["consolidated"][0]["citations"][0]
        page.locator("#consolidated button.cite").first.click()  # the analysis call carries the key too
        assert highlight(page, cited) == cited["text"]
        page.close()
    finally:
        stop(proc)


def test_progress_from_the_event_stream_and_cancel(browser, server):
    page = browser.new_page()
    page.goto(server + "/")
    page.wait_for_selector("#backend option[value=slow]", state="attached")
    page.select_option("#backend", "slow")
    add_files(page, SEEDS, len(SEEDS))
    page.click("#start")
    # A summarize_source event names the source being worked on; the bar is part-way.
    page.wait_for_selector("#progress-text:has-text('Summarizing sources')")
    assert 0 < page.locator("#progress").evaluate("p => p.value") < 1
    assert page.get_attribute("#progress-text", "aria-live") == "polite"
    page.click("#cancel")
    # A cancelled job says so, with what to do, and leaves no progress bar behind.
    page.wait_for_selector("#failure:not([hidden])")
    assert "cancelled" in page.text_content("#failure-h")
    assert "Start it again" in page.text_content("#failure-hint")
    assert page.locator("#progress-box").is_hidden()
    assert page.locator("#result").is_hidden() and page.locator("#start").is_enabled()
    page.close()


def test_sse_parser_and_offset_conversion(browser, server):
    """The page's pure helpers, run in the browser on inputs chosen to break naive versions."""
    page = browser.new_page()
    page.goto(server + "/")
    got = page.evaluate(r"""async () => {
        const { SseParser } = await import('/api.js');
        const { utf16Mapper } = await import('/sources.js');
        const events = [];
        const p = new SseParser((e) => events.push(e));
        // Split mid-field and between \r and \n; a comment (ping); a two-line data field.
        for (const chunk of [': ping\r', '\nevent: prog', 'ress\r', '\nid: 3\r\ndata: {"a":', '1}\r\n\r',
                             '\nevent: result\ndata: line1\ndata: line2\n\n']) p.push(chunk);
        const text = 'a😀b👩‍🚀c';
        const at = utf16Mapper(text);
        return { events, slices: [[2, 3], [3, 6], [6, 7]].map(([s, e]) => text.slice(at(s), at(e))) };
    }""")
    assert got["events"] == [{"event": "progress", "data": '{"a":1}', "id": "3"},
                             {"event": "result", "data": "line1\nline2", "id": None}]
    text = "a😀b👩‍🚀c"
    assert got["slices"] == [text[2:3], text[3:6], text[6:7]]
    page.close()


def test_html_json_and_jsonl_uploads(browser, server, tmp_path):
    page_html = ("<html><head><title>Harbour news</title><script>var x = 'no';</script></head><body>"
                 "<nav>Home</nav><h1>Harbour reopens</h1><p>The harbour reopened on Friday after repairs to "
                 "the northern pier were finished ahead of schedule.</p><p>Fishing boats returned the same "
                 "afternoon and the market expects normal trade by next week.</p></body></html>")
    (tmp_path / "harbour.html").write_text(page_html, encoding="utf-8")
    (tmp_path / "two.json").write_text(json.dumps([
        {"id": "j1", "title": "Bridge", "text": "The old bridge will close for two months of repairs starting in May."},
        {"id": "j2", "text": "Buses will replace the ferry service while the bridge is closed for repairs."}]),
        encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(
        '{"id": "l1", "text": "The council approved the budget for the new library on Tuesday evening."}\n\n',
        encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "text": "fine"}\n{"id": \n', encoding="utf-8")
    page = browser.new_page()
    page.goto(server + "/")
    page.wait_for_selector("#backend option[value=extractive]", state="attached")
    page.select_option("#backend", "extractive")
    page.set_input_files("#files", [str(tmp_path / n) for n in ("harbour.html", "two.json", "lines.jsonl")])
    page.wait_for_selector("#doc-count:text-is('4')")
    page.set_input_files("#files", [str(tmp_path / "bad.jsonl")])  # a broken line: named, nothing added
    page.wait_for_selector("#error:has-text('bad.jsonl line 2')")
    assert page.text_content("#doc-count") == "4"
    page.click("#start")
    page.wait_for_selector("#result:not([hidden])", timeout=120_000)
    job_id = page.get_attribute("#job-meta", "data-job-id")
    analysis = httpx.get(f"{server}/v1/jobs/{job_id}/analysis", timeout=30).json()
    by_id = {s["id"]: s for s in analysis["sources"]}
    assert set(by_id) == {"harbour", "j1", "j2", "l1"}
    assert by_id["harbour"]["title"] == "Harbour news" and by_id["j1"]["title"] == "Bridge"
    harbour = by_id["harbour"]["text"]
    assert "The harbour reopened on Friday" in harbour and "var x" not in harbour and "<p>" not in harbour
    page.close()
