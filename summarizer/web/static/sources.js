// The source view: a document's text with what cleaning left out (dimmed, reason on hover), the
// passages dedup merged (marked, each linking to the next occurrence) and one cited span
// highlighted. API offsets are Python str indices (code points); JS strings index UTF-16 code
// units, so every offset goes through toUtf16() before slicing - an emoji before a span would
// otherwise shift the highlight by one unit per astral character.

import { el } from "./state.js";

const REASONS = {
  page_date: "page date line",
  navigation: "navigation / link text",
  repeated: "repeated line",
  credit: "credit or caption",
  disclaimer: "disclaimer / boilerplate",
  headline_list: "list of teaser headlines",
  fragment: "short fragment outside the body",
};

export function describeReason(reason) {
  return REASONS[reason] || String(reason).replace(/_/g, " ");
}

// Returns cp -> UTF-16 index for this text. Texts without surrogates (most) map to themselves.
export function utf16Mapper(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (cp) => cp;
  const map = new Uint32Array(text.length + 1);
  let unit = 0;
  let cp = 0;
  for (const ch of text) { // iterates code points, as Python indexes them
    map[cp++] = unit;
    unit += ch.length;
  }
  map[cp] = unit;
  const last = cp;
  return (i) => map[Math.max(0, Math.min(i, last))];
}

// Per source: its duplicate occurrences [{start, end, group, index, size}] in code points.
export function duplicatesBySource(groups) {
  const out = new Map();
  groups.forEach((group, g) => {
    group.forEach((occ, index) => {
      if (!out.has(occ.source_id)) out.set(occ.source_id, []);
      out.get(occ.source_id).push({ start: occ.start, end: occ.end, group: g, index, size: group.length });
    });
  });
  return out;
}


// Builds the text of one source into `container`. `onDuplicate(group, index)` is called when a
// "next occurrence" link is used. Returns the first highlighted element (or null).
export function renderSource(container, source, duplicates, highlight, onDuplicate) {
  const text = source.text;
  const at = utf16Mapper(text);
  const junk = (source.junk || []).map((j) => ({ start: at(j.start), end: at(j.end), reason: j.reason }));
  const dups = (duplicates || []).map((d) => ({ ...d, start: at(d.start), end: at(d.end) }));
  const hl = highlight ? { start: at(highlight.start), end: at(highlight.end) } : null;

  const cuts = new Set([0, text.length]);
  for (const s of [...junk, ...dups, ...(hl ? [hl] : [])]) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);

  // Links to the next occurrence go right after each duplicate passage.
  const linksAt = new Map();
  for (const d of dups) {
    if (!linksAt.has(d.end)) linksAt.set(d.end, []);
    linksAt.get(d.end).push(d);
  }

  const frag = document.createDocumentFragment();
  let first = null;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (a === b) continue;
    const inJunk = junk.filter((j) => j.start <= a && b <= j.end);
    const inDup = dups.filter((d) => d.start <= a && b <= d.end);
    const inHl = hl && hl.start <= a && b <= hl.end;
    let node = document.createTextNode(text.slice(a, b));
    if (inJunk.length || inDup.length) {
      const span = el("span");
      const classes = [];
      const notes = [];
      if (inJunk.length) {
        // A cited span is shown as cited even where cleaning left it out of the summary's input (a
        // page-date conflict cites the page's date line): highlighted, never struck through.
        const reasons = inJunk.map((j) => describeReason(j.reason)).join(", ");
        classes.push(inHl ? "junk-cited" : "junk");
        notes.push(inHl ? `Cited; cleaning left it out of the summary's input (${reasons})` : `Left out by cleaning: ${reasons}`);
      }
      if (inDup.length) {
        classes.push("dup");
        span.dataset.group = inDup.map((d) => d.group).join(" ");
        notes.push(inDup.map((d) => `Merged by dedup: occurrence ${d.index + 1} of ${d.size}`).join("; "));
      }
      span.className = classes.join(" ");
      span.title = notes.join(". ");
      span.appendChild(node);
      node = span;
    }
    if (inHl) {
      const mark = el("mark", { class: "hl" });
      mark.appendChild(node);
      if (!first) { first = mark; mark.id = "cited-span"; mark.tabIndex = -1; }
      node = mark;
    }
    frag.appendChild(node);
    for (const d of linksAt.get(b) || []) {
      const next = (d.index + 1) % d.size;
      const btn = el("button", {
        type: "button", class: "dup-link",
        "aria-label": `Duplicate passage, occurrence ${d.index + 1} of ${d.size}: go to occurrence ${next + 1}`,
        title: `Merged by dedup: go to occurrence ${next + 1} of ${d.size}`,
      }, `⇄ ${d.index + 1}/${d.size}`);
      btn.addEventListener("click", () => onDuplicate(d.group, next));
      frag.appendChild(btn);
    }
  }
  container.replaceChildren(frag);
  return first;
}
