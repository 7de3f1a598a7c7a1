// A link per job (#/jobs/ID: a reload or a shared link shows that job again, from the server) and
// the list of the caller's recent jobs (GET /v1/jobs, with the key the page sends).

import { api } from "./api.js";
import { openJob } from "./job.js";
import { $, describe, el, state } from "./state.js";

const ROUTE = /^#\/jobs\/([^/?#]+)$/;
const PAGE = 10;
let next = null; // cursor of the next page of jobs

export const jobLink = (id) => `#/jobs/${encodeURIComponent(id)}`;

function jobFromHash() {
  const m = ROUTE.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

// Marks the shown job in the list.
function markCurrent() {
  for (const a of document.querySelectorAll("#recent-list a")) {
    if (a.closest("li").dataset.jobId === state.job?.id) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function route() {
  const id = jobFromHash();
  if (id) openJob(id).then(markCurrent);
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function jobItem(job) {
  const li = el("li", { class: "job" });
  li.dataset.jobId = job.id;
  // The title names the job (older jobs have none: their date does); the id stays for support.
  const link = el("a", { href: jobLink(job.id) }, job.title || when(job.created_at));
  if (state.job?.id === job.id) link.setAttribute("aria-current", "page");
  const status = el("span", { class: `status status-${job.status}` }, job.status);
  li.append(link, " ", status);
  if (job.title) li.append(" ", el("span", { class: "muted small" }, when(job.created_at)));
  li.append(" ", el("span", { class: "muted small job-id" }, job.id));
  if (job.error) li.append(el("span", { class: "muted small" }, ` · ${job.error.code}`));
  return li;
}

export async function loadRecent(more = false) {
  const list = $("recent-list");
  const empty = $("recent-empty");
  try {
    const page = await api.jobs(PAGE, more ? next : undefined);
    next = page.next;
    const items = page.data.map(jobItem);
    if (more) list.append(...items);
    else list.replaceChildren(...items);
    empty.textContent = "No jobs yet with this key.";
    empty.hidden = list.children.length > 0;
    $("recent-more").hidden = !next;
  } catch (exc) {
    list.replaceChildren();
    empty.textContent = `Could not list recent jobs: ${describe(exc)}`;
    empty.hidden = false;
    $("recent-more").hidden = true;
  }
}

export function wireHistory() {
  document.addEventListener("job:created", (e) => {
    const hash = jobLink(e.detail);
    if (location.hash !== hash) history.pushState(null, "", hash); // no hashchange: the page shows it already
    loadRecent();
  });
  document.addEventListener("job:finished", () => loadRecent());
  window.addEventListener("hashchange", route);
  $("recent-refresh").addEventListener("click", () => loadRecent());
  $("recent-more").addEventListener("click", () => loadRecent(true));
  loadRecent();
  route();
}
