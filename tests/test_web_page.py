"""The page's issue-16 items in Debian's Chromium against a real server: titles for ids, a
200-document result, job links and recent jobs, failures, the 390 px citation overlay, option
validation, page-date spans, the favicon, checking a pasted summary, and server-side extraction
equal to the CLI's."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from summarizer.io.ingest import load_documents
from tests.service.test_api_extract import PAGE
from tests.web_helpers import (ROOT, SEEDS, add_files, browser, highlight, in_view, run_job,  # noqa: F401 (fixtures)
                               screenshot, server)

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def seed_records(tmp_path, name="seeds.json"):
    """The seeds as JSON records with titles (a .txt file has none)."""
    records = [{"id": p.stem, "title": f"Seed report {i}", "text": p.read_text(encoding="utf-8")}
               for i, p in enumerate(SEEDS)]
    (tmp_path / name).write_text(json.dumps(records), encoding="utf-8")
    return tmp_path / name, records


def test_titles_not_ids_in_result_sources_and_conflicts(browser, server, tmp_path):
    path, records = seed_records(tmp_path)
    page = browser.new_page(viewport=WIDE)
    result = run_job(page, server, [path], expect=len(records))
    assert result["conflicts"], "the seeds have conflicts"
    ids = [r["id"] for r in records]
    conflicts = page.inner_text("#conflicts")
    assert not [i for i in ids if i in conflicts], conflicts  # shown as titles...
    assert "Seed report" in conflicts
    hover = page.eval_on_selector_all("#conflicts .src-name", "els => els.map(e => e.title)")
    assert hover and all(h.removeprefix("source id: ") in ids for h in hover)  # ...with the id on hover
    heads = page.eval_on_selector_all("#per-source-list summary .src-name", "els => els.map(e => [e.textContent, e.title])")
    assert heads == [[r["title"], f"source id: {r['id']}"] for r in records]
    first = page.locator("#consolidated button.cite").first
    assert first.get_attribute("title").startswith("Seed report")
    first.click()
    page.wait_for_selector("#source-text mark.hl")
    assert page.text_content("#source-h").startswith("Seed report")
    screenshot(page, "web-titles.png")
    page.close()


def many_documents(tmp_path, n=200):
    months = ["March", "April", "May", "June", "July", "August"]
    records = [{"id": f"town-{i:03d}", "title": f"Harbour{i:03d} bridge",
                "text": (f"The council of Harbour{i:03d} approved {i + 3} million euros for a new bridge on Monday. "
                         f"Residents of Harbour{i:03d} said the bridge would cut their trips by {i % 40 + 5} minutes. "
                         f"Construction is due to start in {months[i % 6]} and should take two years.\n\n"
                         "The regional government said local firms would win most of the contracts.")}
               for i in range(n)]
    (tmp_path / "many.json").write_text(json.dumps(records), encoding="utf-8")
    return tmp_path / "many.json"


def test_a_200_document_result_stays_usable(browser, server, tmp_path):
    page = browser.new_page(viewport=WIDE)
    result = run_job(page, server, [many_documents(tmp_path)], expect=200)
    # Sources collapsed, the list scrolls in its own box: the page stays a few screens tall.
    assert page.locator("#per-source-list > details").count() == 200
    assert page.locator("#per-source-list > details[open]").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6 * WIDE["height"], height
    screenshot(page, "web-200-sources.png")
    # The filter narrows sources and sentences to what mentions the text, and opens what matches.
    page.fill("#filter", "harbour137")
    shown = page.eval_on_selector_all("#per-source-list > details:not([hidden])", "els => els.map(e => [e.dataset.source, e.open])")
    assert shown == [["town-137", True]]
    assert "1 of 200 sources" in page.text_content("#filter-count")
    # Summary sentences stay when they say it or cite that source (by its title).
    visible = page.eval_on_selector_all("#consolidated > li:not([hidden])", "els => els.length")
    assert visible == sum(1 for s in result["consolidated"] if "harbour137" in s["text"].lower()
                          or any(c["source_id"] == "town-137" for c in s["citations"])) > 0
    assert page.locator("#consolidated > li[hidden]").count() > 0
    page.fill("#filter", "")
    assert page.locator("#per-source-list > details:not([hidden])").count() == 200
    assert page.locator("#per-source-list > details[open]").count() == 0
    page.close()


def test_job_link_survives_a_reload_and_recent_jobs_list_it(browser, server):
    page = browser.new_page(viewport=WIDE)
    result = run_job(page, server, SEEDS[:2])
    job_id = result["job_id"]
    assert page.evaluate("location.hash") == f"#/jobs/{job_id}"
    page.wait_for_selector(f"#recent-list li[data-job-id='{job_id}'] a[aria-current=page]")
    page.reload()
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#consolidated li:first-child").startswith(result["consolidated"][0]["text"])
    # A fresh tab at the link shows it too, and the recent list links to it.
    other = browser.new_page(viewport=WIDE)
    other.goto(f"{server}/#/jobs/{job_id}")
    other.wait_for_selector("#result:not([hidden])")
    assert other.get_attribute("#job-meta", "data-job-id") == job_id
    link = other.locator(f"#recent-list li[data-job-id='{job_id}'] a")
    assert link.get_attribute("href") == f"#/jobs/{job_id}"
    first_words = " ".join(SEEDS[0].read_text(encoding="utf-8")[:400].split()[:12])
    assert link.inner_text() == f"{first_words} (+1 more)"  # the job's title, not a date
    other.close()
    page.close()


def test_a_failed_job_shows_its_error_and_what_to_do(browser, server):
    page = browser.new_page(viewport=WIDE)
    page.goto(server + "/")
    page.wait_for_selector("#backend option[value=broken]", state="attached")
    page.select_option("#backend", "broken")
    add_files(page, SEEDS[:1], 1)
    page.click("#start")
    page.wait_for_selector("#failure:not([hidden])", timeout=60_000)
    assert "failed" in page.text_content("#failure-h")
    assert "refused the connection" in page.text_content("#failure-message")
    assert page.text_content("#failure-message code") == "llm_unavailable"
    assert "model endpoint did not answer" in page.text_content("#failure-hint")
    assert page.locator("#progress-box").is_hidden()  # no bar left at 20 %
    assert page.locator("#start").is_enabled() and page.locator("#retry").is_visible()
    screenshot(page, "web-failed-job.png")
    page.reload()  # the job's link shows the failure again
    page.wait_for_selector("#failure:not([hidden])")
    assert page.text_content("#failure-message code") == "llm_unavailable"
    assert page.locator("#progress-box").is_hidden()
    page.close()


def test_at_390px_a_citation_opens_over_the_page_without_moving_it(browser, server):
    page = browser.new_page(viewport=PHONE)
    result = run_job(page, server, SEEDS)
    last = page.locator("#per-source-list button.cite").last
    last.scroll_into_view_if_needed()
    before = page.evaluate("scrollY")
    assert before > 1000  # far down the page, as a reader of the last source would be
    source, start, end = (last.get_attribute(f"data-{k}") for k in ("source", "start", "end"))
    last.click()
    cited = {"source_id": source, "start": int(start), "end": int(end)}
    texts = {s["id"]: s["text"] for s in httpx.get(f"{server}/v1/jobs/{result['job_id']}/analysis").json()["sources"]}
    assert highlight(page, cited) == texts[source][cited["start"]:cited["end"]]
    box = page.locator("#source-view").bounding_box()
    assert box["x"] == 0 and box["y"] == 0 and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    assert page.get_attribute("#source-view", "aria-modal") == "true"
    assert in_view(page)
    assert page.evaluate("scrollY") == before  # the page did not jump
    screenshot(page, "web-overlay-390.png", full_page=False)
    page.click("#close-source")
    assert page.locator("#source-view").is_hidden()
    assert page.evaluate("scrollY") == before
    assert page.evaluate("document.activeElement.dataset.source") == source
    page.close()


def test_the_citation_overlay_keeps_keyboard_focus_inside_it(browser, server):
    page = browser.new_page(viewport=PHONE)
    run_job(page, server, SEEDS)
    page.locator("#per-source-list button.cite").first.click()
    assert page.get_attribute("#source-view", "aria-modal") == "true"
    inside = "document.getElementById('source-view').contains(document.activeElement)"
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"{key} left the overlay for {page.evaluate('document.activeElement.outerHTML')[:80]}"
    page.evaluate("document.getElementById('result-h').focus()")  # focus pushed behind the overlay
    assert page.evaluate("document.activeElement.id") == "close-source"
    page.keyboard.press("Escape")
    assert page.locator("#source-view").is_hidden()
    page.close()


@pytest.mark.parametrize("value", ["0", "41", "2.5", ""])
def test_consolidated_sentences_out_of_range_is_refused_not_replaced(browser, server, value):
    page = browser.new_page(viewport=WIDE)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/v1/jobs") else None)
    page.goto(server + "/")
    add_files(page, SEEDS[:1], 1)
    page.fill("#consolidated-n", value)
    page.click("#start")
    page.wait_for_selector("#error:not([hidden])")
    assert "Consolidated sentences (consolidated_sentences) must be a whole number from 1 to 40" in page.text_content("#error")
    assert page.get_attribute("#consolidated-n", "aria-invalid") is not None
    assert posts == []  # nothing sent: no job with 6 sentences instead
    page.close()


def test_a_page_date_span_is_shown_as_cited_not_struck_through(browser, server):
    page = browser.new_page(viewport=WIDE)
    result = run_job(page, server, SEEDS)
    analysis = httpx.get(f"{server}/v1/jobs/{result['job_id']}/analysis").json()
    dates = {(s["id"], j["start"], j["end"]) for s in analysis["sources"] for j in s["junk"] if j["reason"] == "page_date"}
    cite = next(c for s in result["conflicts"] for c in s["citations"] if (c["source_id"], c["start"], c["end"]) in dates)
    page.locator(f"#conflicts button.cite[data-source='{cite['source_id']}'][data-start='{cite['start']}']").first.click()
    assert highlight(page, cite) == cite["text"]
    styles = page.eval_on_selector_all("#source-text mark.hl, #source-text mark.hl *",
                                       "els => els.map(e => getComputedStyle(e).textDecorationLine)")
    assert styles and not any("line-through" in s for s in styles), styles
    assert page.locator("#source-text mark.hl .junk-cited[title^='Cited']").count() == 1
    page.close()


def test_no_request_fails_and_the_favicon_is_served(browser, server):
    page = browser.new_page(viewport=WIDE)
    failed = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    page.goto(server + "/", wait_until="networkidle")
    page.wait_for_timeout(300)  # the icon request may follow the load
    assert failed == []
    for name, kind in (("favicon.ico", "image/"), ("favicon.svg", "image/svg+xml")):
        r = httpx.get(f"{server}/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
    page.close()


def test_check_a_summary_written_elsewhere(browser, server):
    page = browser.new_page(viewport=WIDE)
    page.goto(server + "/")
    add_files(page, SEEDS, len(SEEDS))
    page.fill("#check-text", "Russian troops were withdrawing from Kharkiv. Russian troops were not withdrawing "
                             "from Kharkiv. Aliens have landed in Kyiv.")
    page.click("#check-start")
    page.wait_for_selector("#check-results li")
    statuses = page.eval_on_selector_all("#check-results > li", "els => els.map(e => e.dataset.status)")
    assert statuses == ["supported", "contradicted", "unsupported"]
    assert "1 supported, 1 unsupported, 1 contradicted" in page.text_content("#check-meta")
    assert page.locator("#check-results > li .reason").first.text_content().strip() != "—"
    button = page.locator("#check-results > li[data-status=supported] button.cite").first
    cited = {k: button.get_attribute(f"data-{k}") for k in ("source", "start", "end")}
    button.click()
    span = {"source_id": cited["source"], "start": int(cited["start"]), "end": int(cited["end"])}
    text = next(p for p in SEEDS if p.stem == cited["source"]).read_text(encoding="utf-8")
    assert highlight(page, span) == text[span["start"]:span["end"]]
    screenshot(page, "web-check-summary.png")
    page.close()


def test_html_uploaded_through_the_page_gives_the_cli_text_and_citations(browser, server, tmp_path):
    path = tmp_path / "harbour.html"
    path.write_text(PAGE, encoding="utf-8")
    page = browser.new_page(viewport=WIDE)
    result = run_job(page, server, [path])
    (cli_doc,) = load_documents([path])
    analysis = httpx.get(f"{server}/v1/jobs/{result['job_id']}/analysis").json()
    assert [(s["id"], s["title"], s["text"]) for s in analysis["sources"]] == [("harbour", cli_doc.title, cli_doc.text)]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "SUMMARIZER_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    cli = subprocess.run([sys.executable, "-m", "summarizer", "summarize", str(path), "-b", "extractive", "--json", "-q"],
                         env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)

    def spans(r):
        return [(c["source_id"], c["start"], c["end"]) for part in ("consolidated", "per_source")
                for s in (r[part] if part == "consolidated" else [x for ps in r[part] for x in ps["summary"]])
                for c in s["citations"]]
    assert spans(result) == spans(from_cli) and spans(from_cli)
    assert result["sources"][0]["sha256"] == from_cli["sources"][0]["sha256"]
    # The page shows the extracted title; the hidden newsletter box is not in the text.
    assert page.text_content("#per-source-list summary .src-name") == "Harbour & ferry news"
    assert "Subscribe" not in analysis["sources"][0]["text"]
    # An unsupported file is refused by the server in words, and nothing is added.
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    page.set_input_files("#files", [str(tmp_path / "sheet.xlsx")])
    page.wait_for_selector("#error:not([hidden])")
    assert "sheet.xlsx: unsupported file type" in page.text_content("#error")
    page.close()


STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def test_the_page_works_under_a_strict_content_security_policy(browser, server):
    """No inline script or style: the page runs as it is under the CSP the server may send."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport=WIDE)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route(f"{server}/", with_csp)
    page.goto(server + "/")  # waits below use locators: Playwright's string predicates need eval
    page.wait_for_selector("#backend option[value=extractive]", state="attached")
    page.set_input_files("#files", [str(p) for p in SEEDS[:2]])
    expect(page.locator("#doc-count")).to_have_text("2")
    page.click("#start")
    page.wait_for_selector("#result:not([hidden])", timeout=120_000)
    job_id = page.get_attribute("#job-meta", "data-job-id")
    cited = httpx.get(f"{server}/v1/jobs/{job_id}/result").json()["consolidated"][0]["citations"][0]
    page.locator("#consolidated button.cite").first.click()
    expect(page.locator("#source-text mark.hl")).to_have_text(cited["text"])
    with page.expect_download():
        page.click("#dl-json")
    assert refused == []
    page.close()
