// The page: wires the modules together. Documents (docs.js, extracted by the server), a job with
// its progress and failures (job.js), the result (result.js) with its source view (sourceview.js),
// job links and recent jobs (history.js), and checking a summary written elsewhere (check.js).

import { api, getKey, setKey } from "./api.js";
import { wireCheck } from "./check.js";
import { wireDocs } from "./docs.js";
import { loadRecent, wireHistory } from "./history.js";
import { wireJobs } from "./job.js";
import { wireResult } from "./result.js";
import { wireSourceView } from "./sourceview.js";
import { $, describe, el, showError, state } from "./state.js";

// Usable backends as choices; the others listed with why this server cannot run them.
async function loadBackends() {
  const select = $("backend");
  const note = $("backend-note");
  try {
    const { backends, default: def, unavailable = [] } = await api.backends();
    select.replaceChildren(...backends.map((name) => {
      const opt = new Option(name === def ? `${name} (default)` : name, name);
      opt.selected = name === def;
      return opt;
    }));
    note.textContent = unavailable.map((u) => `${u.name}: ${u.reason}`).join(" · ");
    note.hidden = !unavailable.length;
  } catch (exc) {
    select.replaceChildren(new Option("(server default)", ""));
    showError(`Could not list backends: ${describe(exc)}`);
  }
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function downloadMarkdown() {
  if (!state.job) return;
  try {
    download(`summary-${state.job.id}.md`, await api.markdown(state.job.id), "text/markdown");
  } catch (exc) {
    showError(describe(exc));
  }
}

function wireKey() {
  const key = $("api-key");
  key.value = getKey();
  if (key.value) key.closest("details").open = true;
  key.addEventListener("change", () => {
    setKey(key.value.trim());
    showError("");
    loadBackends();
    loadRecent();
  });
  key.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); key.blur(); } });
}

function init() {
  wireKey();
  wireDocs();
  wireJobs();
  wireResult();
  wireSourceView();
  wireCheck();
  $("dl-json").addEventListener("click", () => {
    if (state.result) download(`summary-${state.job.id}.json`, JSON.stringify(state.result, null, 2), "application/json");
  });
  $("dl-md").addEventListener("click", downloadMarkdown);
  // The skip link moves focus without touching the address (#/jobs/ID stays the page's link).
  document.querySelector(".skip").addEventListener("click", (e) => {
    e.preventDefault();
    const target = $("result").hidden ? $("run-h") : $("result-h");
    target.setAttribute("tabindex", "-1");
    target.focus();
  });
  loadBackends();
  wireHistory();
}

init();
