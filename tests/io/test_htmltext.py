"""HTML to text through the HTML5 parser: what a browser would show, as one line-structured text."""

from __future__ import annotations

from summarizer.io.htmltext import html_to_text


def text(markup: str) -> str:
    return html_to_text(markup)[1]


def test_table_cells_are_separated_by_tabs_and_rows_by_lines():
    page = "<table><tr><th>Item</th><th>Cost</th></tr>\n  <tr><td>Bridge</td><td>4.2m</td></tr></table><p>After.</p>"
    assert text(page) == "Item\tCost\nBridge\t4.2m\n\nAfter."


def test_nbsp_is_a_space_and_whitespace_runs_collapse():
    assert text("<p>10&nbsp;km north of&nbsp;&nbsp;the <b> town</b></p>") == "10 km north of the town"


def test_an_unclosed_hidden_paragraph_ends_where_a_browser_ends_it():
    # html.parser never sees </p>, so a hand-written skip counter hid the rest of the page.
    page = "<p hidden>secret<p>Visible after it.</p><div>More text.</div>"
    assert text(page) == "Visible after it.\n\nMore text."


def test_inline_display_none_and_visibility_hidden_are_dropped():
    page = ('<p style="color: red; display : none">gone</p><span style="visibility:hidden">also gone</span>'
            '<p style="display:block">shown</p>')
    assert text(page) == "shown"


def test_pre_keeps_its_lines_and_lists_are_one_line_per_item():
    page = "<pre>line one\n  line two</pre><ul><li>first<li>second</ul>"
    assert text(page) == "line one\nline two\n\nfirst\nsecond"


def test_title_entities_and_deep_nesting():
    page = "<title> A &amp; B </title>" + "<div>" * 5000 + "deep" + "</div>" * 5000
    assert html_to_text(page) == ("A & B", "deep")
