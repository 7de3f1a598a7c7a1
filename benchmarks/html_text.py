"""HTML text: the HTML5-parser extractor (``io/htmltext.py``, selectolax/Lexbor) vs the
hand-written ``html.parser`` one it replaced, side by side on real pages and on the cases that
told the web page's text from the CLI's.

Run by hand from the repo root:  python benchmarks/html_text.py [FILE_OR_FOLDER ...]
(default: every .html/.htm under /usr/share/doc, the HTML manuals Debian packages install).

Per extractor: pages read, characters out, table cells glued to their neighbour (two adjacent
non-empty cells of a row whose texts run together, "Cost4.2m"), U+00A0 left in the text, and
CPU seconds, one process; then the words one of them dropped that the other kept. The old
extractor is copied below so it stays runnable.
"""

from __future__ import annotations

import html
import re
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from summarizer.io.htmltext import html_to_text  # noqa: E402

CASES = {  # markup -> what a browser shows, as the text a summary should cite
    "table cells": ("<table><tr><td>Cost</td><td>4.2m</td></tr></table>", "Cost\t4.2m"),
    "&nbsp;": ("<p>10&nbsp;km</p>", "10 km"),
    "hidden attribute": ("<div hidden>secret</div><p>shown</p>", "shown"),
    "unclosed hidden <p>": ("<p hidden>secret<p>shown</p><div>more</div>", "shown\n\nmore"),
    "display:none": ("<p style='display:none'>secret</p><p>shown</p>", "shown"),
    "<pre> lines": ("<pre>a\nb</pre>", "a\nb"),
}


# ---- the old extractor (summarizer/io/htmltext.py before the switch), verbatim but for names ----
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
          "article", "header", "footer", "nav", "aside", "blockquote", "figure", "figcaption", "pre", "hr",
          "dd", "dt", "dl", "main", "form", "title"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _OldExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts, self.skip, self.title, self.in_title = [], 0, [], False
        self.hidden, self.open = [], {}

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP and tag not in _VOID:
            self.skip += 1
        if tag == "title":
            self.in_title = True
        if tag not in _VOID:
            self.open[tag] = self.open.get(tag, 0) + 1
            if any(k == "hidden" for k, _ in attrs):
                self.skip += 1
                self.hidden.append((tag, self.open[tag]))
        if tag in _BLOCK:
            self.parts.append("\n\n" if tag not in ("br", "li", "tr") else "\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if self.open.get(tag):
            if self.hidden and self.hidden[-1] == (tag, self.open[tag]):
                self.hidden.pop()
                self.skip -= 1
            self.open[tag] -= 1
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def old_html_to_text(markup: str) -> tuple[str, str]:
    p = _OldExtractor()
    p.feed(markup)
    p.close()
    lines = [ln.strip() for ln in "".join(p.parts).split("\n")]
    return html.unescape(" ".join("".join(p.title).split())), re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def pages(args: list[str]) -> list[Path]:
    roots = [Path(a) for a in args] or [Path("/usr/share/doc")]
    found = []
    for root in roots:
        found += [root] if root.is_file() else [p for p in root.rglob("*") if p.suffix.lower() in (".html", ".htm")]
    return sorted(found)


def adjacent_cells(markup: str) -> list[tuple[str, str]]:
    pairs = []
    for row in LexborHTMLParser(markup).css("tr"):
        cells = [" ".join(c.text(deep=True).split()) for c in row.css("td, th")]
        cells = [c for c in cells if c]
        pairs += list(zip(cells, cells[1:]))
    return pairs


def main() -> None:
    print("cases (what a browser shows):")
    for name, (markup, want) in CASES.items():
        print(f"  {name:22} old {'ok ' if old_html_to_text(markup)[1] == want else 'NO '}"
              f"  new {'ok' if html_to_text(markup)[1] == want else 'NO'}")
    texts = []
    for path in pages(sys.argv[1:]):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
    stats = {}
    words = {}
    for name, extract in (("old html.parser", old_html_to_text), ("new selectolax", html_to_text)):
        started = time.process_time()
        outs = [extract(t)[1] for t in texts]
        seconds = time.process_time() - started
        glued = sum(1 for t, out in zip(texts, outs) for a, b in adjacent_cells(t)
                    if a + b in out.replace("\n", " ") and f"{a}\t{b}" not in out)
        stats[name] = (sum(map(len, outs)), glued, sum(o.count("\u00a0") for o in outs), seconds)
        words[name] = Counter(w for o in outs for w in re.findall(r"\w{3,}", o))
    cells = sum(len(adjacent_cells(t)) for t in texts)
    print(f"\n{len(texts)} pages, {sum(map(len, texts)) / 1e6:.1f} MB of HTML, {cells} pairs of adjacent table cells")
    print(f"{'extractor':16} {'chars out':>11} {'glued cells':>12} {'U+00A0':>8} {'CPU s':>7}")
    for name, (chars, glued, nbsp, seconds) in stats.items():
        print(f"{name:16} {chars:>11,} {glued:>12,} {nbsp:>8,} {seconds:>7.2f}")
    old, new = stats["old html.parser"][3], stats["new selectolax"][3]
    print(f"time new/old: {new / old:.2f}")
    only_old = words["old html.parser"] - words["new selectolax"]
    only_new = words["new selectolax"] - words["old html.parser"]
    print(f"words only the old one has: {sum(only_old.values())} (e.g. {[w for w, _ in only_old.most_common(5)]})")
    print(f"words only the new one has: {sum(only_new.values())} (e.g. {[w for w, _ in only_new.most_common(5)]})")


if __name__ == "__main__":
    main()
