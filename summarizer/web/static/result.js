// The result: consolidated summary, conflicts and per-source summaries, sources named by their
// titles, each citation a numbered button opening its span. Large results stay usable: the
// per-source summaries are collapsed when there are many, in a scrolling box, and one filter box
// narrows sources and sentences alike.

import { api } from "./api.js";
import { openCitation } from "./sourceview.js";
import { $, el, nameNode, rememberTitles, sourceName, state, withNames } from "./state.js";

const OPEN_UP_TO = 10;    // per-source summaries shown open when there are at most this many sources
const SHOWN_CITATIONS = 8; // citations shown per sentence before a "+N more" button

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
}

export function citationButton(c, n, analysis) {
  const name = sourceName(c.source_id);
  const btn = el("button", { type: "button", class: "cite" }, String(n));
  Object.assign(btn.dataset, { source: c.source_id, start: String(c.start), end: String(c.end) });
  btn.setAttribute("aria-label", `Citation ${n}: ${name}${c.page ? `, page ${c.page}` : ""}, characters ${c.start} to ${c.end}`);
  btn.title = `${name}${name !== c.source_id ? ` (${c.source_id})` : ""}${c.page ? `, page ${c.page}` : ""} `
    + `[${c.start}:${c.end}] “${clip(c.text, 160)}”`;
  btn.addEventListener("click", () => openCitation(btn, c, analysis));
  return btn;
}

// Numbers citations by span: the same span gets the same number everywhere in one result.
export function citationNumbers() {
  const numbers = new Map();
  return (c) => {
    const key = `${c.source_id}\u0000${c.start}\u0000${c.end}`;
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    return numbers.get(key);
  };
}

export function appendCitations(li, citations, numberOf, analysis) {
  const buttons = citations.map((c) => citationButton(c, numberOf(c), analysis));
  li.append(...buttons.slice(0, SHOWN_CITATIONS));
  if (buttons.length > SHOWN_CITATIONS) {
    const rest = buttons.slice(SHOWN_CITATIONS);
    const more = el("button", { type: "button", class: "more-cites" }, `+${rest.length} more`);
    more.setAttribute("aria-label", `Show ${rest.length} more citations`);
    more.addEventListener("click", () => { more.replaceWith(...rest); rest[0].focus(); });
    li.append(more);
  }
  // What the filter matches besides the sentence: the names of the sources it cites.
  li.dataset.names = [...new Set(citations.map((c) => sourceName(c.source_id)))].join(" ");
}

function sentenceItem(s, numberOf, analysis, named = false) {
  const li = el("li");
  const ids = named ? [...state.titles.keys()] : [];
  li.append(named ? withNames(s.text, ids) : s.text, " ");
  appendCitations(li, s.citations, numberOf, analysis);
  return li;
}

function fill(list, sentences, empty, make) {
  list.replaceChildren(...(sentences.length ? sentences.map(make) : [el("li", { class: "muted empty" }, empty)]));
}

function perSourceBox(ps, make, open) {
  const box = el("details", { class: "per-source" });
  box.dataset.source = ps.source_id;
  box.open = open;
  const summary = el("summary");
  const count = el("span", { class: "muted small" }, ` · ${ps.summary.length} sentence${ps.summary.length === 1 ? "" : "s"}`);
  summary.append(nameNode(ps.source_id), count);
  const ol = el("ol", { class: "sentences" });
  fill(ol, ps.summary, "No summary.", make);
  box.append(summary, ol);
  return box;
}

export function showResult(jobId, result) {
  state.result = result;
  state.job = { id: jobId };
  rememberTitles(result.sources);
  const analysis = api.analysis(jobId); // fetched now, awaited when a citation is opened
  analysis.catch(() => {});             // reported on use, not as an unhandled rejection
  state.analysis = analysis;
  const numberOf = citationNumbers();
  const plain = (s) => sentenceItem(s, numberOf, analysis);
  fill($("consolidated"), result.consolidated, "No consolidated summary.", plain);
  fill($("conflicts"), result.conflicts, "No conflicts found.", (s) => sentenceItem(s, numberOf, analysis, true));
  const open = result.per_source.length <= OPEN_UP_TO;
  const list = $("per-source-list");
  list.replaceChildren(...result.per_source.map((ps) => perSourceBox(ps, plain, open)));
  list.classList.toggle("many", !open); // many sources: the list scrolls in its own box
  $("per-source-count").textContent = String(result.per_source.length);
  $("filter").value = "";
  applyFilter();
  const st = result.stats || {};
  const meta = $("job-meta");
  meta.replaceChildren(`Job ${jobId} · ${result.sources.length} sources · `,
    el("a", { href: `#/jobs/${encodeURIComponent(jobId)}` }, "link to this result"));
  meta.dataset.jobId = jobId;
  $("stats").textContent = `Backend ${st.backend}${st.model ? ` (${st.model})` : ""} · ${st.llm_calls} LLM calls · `
    + `${st.source_tokens} source tokens → ${st.deduped_tokens} after dedup · ${Number(st.seconds || 0).toFixed(1)} s`;
  $("result").hidden = false;
}

export function hideResult() {
  $("result").hidden = true;
  state.result = null;
}

// A summary sentence matches by its text or the names of the sources it cites; a per-source
// sentence by its text only (its copies in other sources are cited too, and would match them all).
const matches = (node, q, names = true) => (node.textContent + " " + (names ? node.dataset.names || "" : ""))
  .toLowerCase().includes(q);

// Hides sentences and sources that do not contain the filter text; opens the sources that do.
export function applyFilter() {
  const q = $("filter").value.trim().toLowerCase();
  for (const li of document.querySelectorAll("#consolidated > li:not(.empty), #conflicts > li:not(.empty)")) {
    li.hidden = Boolean(q) && !matches(li, q);
  }
  const boxes = [...document.querySelectorAll("#per-source-list > details")];
  let shown = 0;
  for (const box of boxes) {
    const head = box.querySelector("summary");
    const nameHit = !q || matches(head, q) || box.dataset.source.toLowerCase().includes(q);
    let sentenceHits = 0;
    for (const li of box.querySelectorAll("ol > li:not(.empty)")) {
      li.hidden = Boolean(q) && !nameHit && !matches(li, q, false);
      if (!li.hidden) sentenceHits += 1;
    }
    box.hidden = Boolean(q) && !nameHit && !sentenceHits;
    if (!box.hidden) shown += 1;
    if (q && !box.hidden && !box.open) { box.open = true; box.dataset.openedByFilter = "1"; }
    if (!q && box.dataset.openedByFilter) { box.open = false; delete box.dataset.openedByFilter; }
  }
  $("filter-count").textContent = q ? `${shown} of ${boxes.length} sources match “${$("filter").value.trim()}”` : "";
}

export function wireResult() {
  $("filter").addEventListener("input", applyFilter);
  const all = (open) => () => { for (const d of document.querySelectorAll("#per-source-list > details:not([hidden])")) d.open = open; };
  $("expand-all").addEventListener("click", all(true));
  $("collapse-all").addEventListener("click", all(false));
}
