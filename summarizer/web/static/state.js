// What the page's modules share: the element lookup, the page state, source names, and the one
// error box.

import { ApiError } from "./api.js";
import { InputProblem } from "./inputs.js";

export const $ = (id) => document.getElementById(id);

export const state = {
  docs: [],          // [{id, title?, text}] to send
  pasted: 0,         // counter for ids of pasted texts
  job: null,         // {id} of the job shown or running
  abort: null,       // AbortController of the current event stream
  result: null,      // result contract v1 of the job shown
  analysis: null,    // Promise of the shown sources' {sources, duplicate_groups}
  opener: null,      // the citation button that opened the source view (focus goes back to it)
  titles: new Map(), // source id -> title, for every source the page knows of
};

export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

export function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

export function describe(exc) {
  if (exc instanceof ApiError || exc instanceof InputProblem) return exc.message;
  return `Unexpected problem: ${exc && exc.message ? exc.message : exc}`;
}

// ---------- source names: titles shown, ids on hover ----------

export function rememberTitles(sources) {
  for (const s of sources) if (s.title) state.titles.set(s.id, s.title);
}

export function sourceName(id) {
  return state.titles.get(id) || id;
}

// A source's title with its id in the title attribute (the id alone when it has no title).
export function nameNode(id) {
  return el("span", { class: "src-name", title: `source id: ${id}` }, sourceName(id));
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Server-written text that names sources by id (conflict sentences) with each id shown as its title.
export function withNames(text, ids) {
  const named = [...new Set(ids)].filter((id) => state.titles.has(id)).sort((a, b) => b.length - a.length);
  const frag = document.createDocumentFragment();
  if (!named.length) {
    frag.append(text);
    return frag;
  }
  const re = new RegExp(`(?<![\\w-])(${named.map(escapeRe).join("|")})(?![\\w-])`, "g");
  let last = 0;
  for (const m of text.matchAll(re)) {
    frag.append(text.slice(last, m.index), nameNode(m[0]));
    last = m.index + m[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}
