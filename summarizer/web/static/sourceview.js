// Opening a citation: the source's text with exactly the cited span highlighted. Next to the result
// on wide screens; on narrow ones (phones) an overlay over the page, so that a tap on a citation
// never moves the page: the overlay scrolls to the span inside itself, and closing it leaves the
// reader where they were.

import { ApiError } from "./api.js";
import { duplicatesBySource, renderSource } from "./sources.js";
import { $, describe, showError, sourceName, state } from "./state.js";

const NARROW = "(max-width: 900px)";
const dupsOf = new WeakMap(); // analysis -> Map(source id -> duplicate occurrences)

// `analysis`: Promise of {sources, duplicate_groups} (a job's, or of the documents checked).
export async function openCitation(button, citation, analysis) {
  state.opener?.removeAttribute("aria-current");
  state.opener = button;
  button.setAttribute("aria-current", "true");
  try {
    await openSource(analysis, citation.source_id, { start: citation.start, end: citation.end });
  } catch (exc) {
    showError(`Could not open the source: ${describe(exc)}`);
  }
}

function setOverlay(view, on) {
  view.classList.toggle("overlay", on);
  document.body.classList.toggle("overlay-open", on);
  if (on) {
    view.setAttribute("role", "dialog");
    view.setAttribute("aria-modal", "true");
  } else {
    view.removeAttribute("role");
    view.removeAttribute("aria-modal");
  }
}

// Scrolls the source box (and only it) so that the span sits in its middle.
function scrollBoxTo(box, mark) {
  if (!mark) {
    box.scrollTop = 0;
    return;
  }
  const offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top;
  box.scrollTop += offset - Math.max(0, (box.clientHeight - mark.getBoundingClientRect().height) / 2);
}

async function openSource(analysisPromise, sourceId, span) {
  const analysis = await analysisPromise;
  const source = analysis.sources.find((s) => s.id === sourceId);
  if (!source) throw new ApiError(`source ${sourceName(sourceId)} is not among the documents`);
  if (!dupsOf.has(analysis)) dupsOf.set(analysis, duplicatesBySource(analysis.duplicate_groups));
  const dups = dupsOf.get(analysis).get(sourceId) || [];
  const onDuplicate = (group, index) => {
    const occ = analysis.duplicate_groups[group][index];
    openSource(analysisPromise, occ.source_id, { start: occ.start, end: occ.end }).catch((exc) => showError(describe(exc)));
  };
  const view = $("source-view");
  const overlay = matchMedia(NARROW).matches;
  setOverlay(view, overlay);
  view.hidden = false;
  const heading = $("source-h");
  heading.textContent = source.title || source.id;
  heading.title = `source id: ${source.id}`;
  $("source-meta").textContent = `${source.id} · cited characters ${span.start}–${span.end} · `
    + `${source.junk.length} passages left out by cleaning · ${dups.length} merged by dedup`;
  const box = $("source-text");
  const mark = renderSource(box, source, dups, span, onDuplicate);
  Object.assign(box.dataset, { source: source.id, start: String(span.start), end: String(span.end) });
  scrollBoxTo(box, mark);
  if (!overlay) view.scrollIntoView({ block: "nearest" }); // the side panel fits the viewport: show it whole
  (mark || heading).focus({ preventScroll: true });
}

export function closeSource(returnFocus = true) {
  const view = $("source-view");
  const wasOverlay = view.classList.contains("overlay");
  view.hidden = true;
  setOverlay(view, false);
  state.opener?.removeAttribute("aria-current");
  if (returnFocus && state.opener && document.contains(state.opener)) state.opener.focus({ preventScroll: wasOverlay });
}

const FOCUSABLE = "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])";

// The overlay is modal: Tab and Shift+Tab cycle through its own controls and never reach the
// page behind it, which the reader cannot see.
function keepFocusInside(view, e) {
  const items = [...view.querySelectorAll(FOCUSABLE)].filter((el) => !el.disabled && el.getClientRects().length);
  if (!items.length) return;
  const first = items[0], last = items[items.length - 1];
  const at = items.indexOf(document.activeElement);
  if (e.shiftKey && at <= 0) {
    e.preventDefault();
    last.focus({ preventScroll: true });
  } else if (!e.shiftKey && (at === -1 || at === items.length - 1)) {
    e.preventDefault();
    first.focus({ preventScroll: true });
  }
}

export function wireSourceView() {
  const view = $("source-view");
  $("close-source").addEventListener("click", () => closeSource());
  view.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeSource();
    else if (e.key === "Tab" && view.classList.contains("overlay")) keepFocusInside(view, e);
  });
  // Focus that lands behind the overlay anyway (a script, an assistive tool) comes back to it.
  document.addEventListener("focusin", (e) => {
    if (view.classList.contains("overlay") && !view.hidden && !view.contains(e.target)) {
      $("close-source").focus({ preventScroll: true });
    }
  });
}
