// The page: collect documents, start a job, follow its event stream, show the result with
// clickable citations, and open sources with the cited span highlighted.

import { api, ApiError, getKey, setKey, streamEvents } from "./api.js";
import { documentsFromFile, InputProblem } from "./inputs.js";
import { duplicatesBySource, renderSource } from "./sources.js";

const $ = (id) => document.getElementById(id);

const state = {
  docs: [],          // [{id, title?, text}] to send
  pasted: 0,         // counter for ids of pasted texts
  job: null,         // {id} of the current job
  abort: null,       // AbortController of the current event stream
  result: null,      // result contract v1
  analysis: null,    // Promise of GET /v1/jobs/{id}/analysis
  opener: null,      // the citation button that opened the source view (focus goes back to it)
};

const STAGES = {
  start: "Queued", prepare: "Reading and cleaning sources", dedup: "Removing duplicates",
  summarize_source: "Summarizing sources", map: "Summarizing chunks", reduce: "Combining chunk summaries",
  consolidate: "Writing the consolidated summary", conflicts: "Looking for conflicts", done: "Done",
};

// ---------- errors and progress ----------

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function describe(exc) {
  if (exc instanceof ApiError || exc instanceof InputProblem) return exc.message;
  return `Unexpected problem: ${exc && exc.message ? exc.message : exc}`;
}

function setProgress(p, status) {
  $("progress-box").hidden = false;
  const fraction = Math.max(0, Math.min(1, Number(p.fraction) || 0));
  $("progress").value = fraction;
  const stage = STAGES[p.stage] || String(p.stage || status || "").replace(/_/g, " ");
  const count = p.total ? ` (${p.done}/${p.total})` : "";
  const source = p.source_id ? ` — ${p.source_id}` : "";
  $("progress-text").textContent = `${status ? status + ": " : ""}${stage}${source}${count} · ${Math.round(fraction * 100)}%`;
}

function setRunning(running) {
  $("start").disabled = running;
  $("cancel").hidden = !running;
}

// ---------- documents ----------

function renderDocs() {
  const list = $("doc-list");
  list.replaceChildren(...state.docs.map((d, i) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "doc-name";
    name.textContent = d.title ? `${d.title}` : d.id;
    const meta = document.createElement("span");
    meta.className = "muted small";
    meta.textContent = `${d.id} · ${[...d.text].length.toLocaleString()} characters`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary small-btn";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${d.id}`);
    remove.addEventListener("click", () => {
      state.docs.splice(i, 1);
      renderDocs();
      $("files").focus();
    });
    const text = document.createElement("div");
    text.append(name, meta);
    li.append(text, remove);
    return li;
  }));
  $("doc-count").textContent = String(state.docs.length);
  $("doc-empty").hidden = state.docs.length > 0;
}

function addDocs(docs) {
  const ids = new Set(state.docs.map((d) => d.id));
  for (const d of docs) {
    if (ids.has(d.id)) throw new InputProblem(`A document with id “${d.id}” is already in the list; ids must be unique.`);
    if (!d.text.trim()) throw new InputProblem(`Document “${d.id}” is empty.`);
    ids.add(d.id);
  }
  state.docs.push(...docs);
  renderDocs();
}

async function onFiles(event) {
  await addFiles([...event.target.files]);
  event.target.value = ""; // so picking the same file again fires "change"
}

async function addFiles(files) {
  showError("");
  try {
    const docs = [];
    for (const f of files) docs.push(...(await documentsFromFile(f)));
    addDocs(docs);
  } catch (exc) {
    showError(describe(exc));
  }
}

function wireDrop() {
  const zone = $("drop");
  const over = (on) => (e) => { e.preventDefault(); zone.classList.toggle("over", on); };
  zone.addEventListener("dragenter", over(true));
  zone.addEventListener("dragover", over(true));
  zone.addEventListener("dragleave", over(false));
  zone.addEventListener("drop", (e) => {
    over(false)(e);
    addFiles([...(e.dataTransfer?.files || [])]);
  });
}

function addPasted() {
  const text = $("paste").value;
  if (!text.trim()) return false;
  const doc = { id: `pasted-${++state.pasted}`, text };
  const title = $("paste-title").value.trim();
  if (title) doc.title = title;
  addDocs([doc]);
  $("paste").value = "";
  $("paste-title").value = "";
  return true;
}

// ---------- backends ----------

async function loadBackends() {
  const select = $("backend");
  try {
    const { backends, default: def } = await api.backends();
    select.replaceChildren(...backends.map((name) => {
      const opt = document.createElement("option");
      opt.value = name;
      opt.textContent = name === def ? `${name} (default)` : name;
      opt.selected = name === def;
      return opt;
    }));
  } catch (exc) {
    select.replaceChildren(new Option("(server default)", ""));
    showError(`Could not list backends: ${describe(exc)}`);
  }
}

// ---------- running a job ----------

function options() {
  const opts = {
    per_source_sentences: Number($("per-source").value) || 3,
    consolidated_sentences: Number($("consolidated-n").value) || 6,
  };
  if ($("backend").value) opts.backend = $("backend").value;
  return opts;
}

async function start() {
  showError("");
  try {
    addPasted(); // text left in the box counts as a document
  } catch (exc) {
    showError(describe(exc));
    return;
  }
  if (!state.docs.length) {
    showError("Add at least one document: upload files or paste text.");
    $("files").focus();
    return;
  }
  setRunning(true);
  $("result").hidden = true;
  closeSource(false);
  try {
    const job = await api.createJob(state.docs, options());
    state.job = job;
    setProgress({ stage: "start", fraction: 0 }, "Queued");
    await follow(job.id);
  } catch (exc) {
    if (exc.name !== "AbortError") showError(describe(exc));
  } finally {
    setRunning(false);
  }
}

// Follows the event stream to the end; reconnects a few times if it drops (a late subscriber
// gets the current state and, if finished, the result), then asks for the job's state.
async function follow(jobId) {
  let lost = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const controller = new AbortController();
    state.abort = controller;
    let final = false;
    try {
      await streamEvents(jobId, (ev) => {
        if (ev.event === "progress") setProgress(ev.data, "Running");
        else if (ev.event === "result") { final = true; showResult(jobId, ev.data); }
        else if (ev.event === "error") { final = true; onJobError(ev.data); }
      }, controller.signal);
    } catch (exc) {
      if (exc.name === "AbortError" || (exc instanceof ApiError && exc.status >= 400 && exc.status < 500)) throw exc;
      lost = exc; // a dropped connection or a 5xx: say so, then reconnect
      console.warn("event stream failed", exc);
    }
    if (final) return;
    $("progress-text").textContent = `Connection to the progress stream lost${lost ? ` (${describe(lost)})` : ""}; reconnecting…`;
    await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
  }
  const job = await api.job(jobId);
  if (job.status === "succeeded") showResult(jobId, await api.result(jobId));
  else if (job.error) onJobError(job.error);
  else throw new ApiError(`Lost the connection to the job's progress (job ${jobId} is ${job.status}).`);
}

function onJobError(err) {
  const cancelled = err.code === "cancelled";
  $("progress-text").textContent = cancelled ? "Cancelled." : "Failed.";
  showError(cancelled ? "The job was cancelled." : `The job failed: ${err.message} (${err.code})`);
}

async function cancel() {
  if (!state.job) return;
  try {
    // The event stream then ends with an "error" event {code: "cancelled"}, shown by onJobError.
    await api.cancel(state.job.id);
  } catch (exc) {
    showError(describe(exc));
  }
}

// ---------- result ----------

function showResult(jobId, result) {
  state.result = result;
  state.analysis = api.analysis(jobId); // fetched now, awaited when a citation is opened
  state.analysis.catch(() => {});       // reported on use, not as an unhandled rejection
  setProgress({ stage: "done", fraction: 1 }, "");
  const titles = new Map(result.sources.map((s) => [s.id, s.title || s.id]));
  const numbers = new Map();
  const numberOf = (c) => {
    const key = `${c.source_id}\u0000${c.start}\u0000${c.end}`;
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    return numbers.get(key);
  };

  const sentence = (s) => {
    const li = document.createElement("li");
    li.append(document.createTextNode(s.text + " "));
    for (const c of s.citations) {
      const n = numberOf(c);
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "cite";
      btn.textContent = String(n);
      btn.dataset.source = c.source_id;
      btn.dataset.start = String(c.start);
      btn.dataset.end = String(c.end);
      btn.setAttribute("aria-label", `Citation ${n}: ${titles.get(c.source_id) || c.source_id}, characters ${c.start} to ${c.end}`);
      btn.title = `${c.source_id} [${c.start}:${c.end}] “${c.text.length > 160 ? c.text.slice(0, 159) + "…" : c.text}”`;
      btn.addEventListener("click", () => openCitation(btn, c));
      li.append(btn);
    }
    return li;
  };
  const fill = (list, sentences, empty) => {
    list.replaceChildren(...(sentences.length ? sentences.map(sentence) : [Object.assign(document.createElement("li"), { className: "muted", textContent: empty })]));
  };

  fill($("consolidated"), result.consolidated, "No consolidated summary.");
  fill($("conflicts"), result.conflicts, "No conflicts found.");
  const per = $("per-source-list");
  per.replaceChildren(...result.per_source.map((ps) => {
    const box = document.createElement("section");
    box.className = "per-source";
    const h = document.createElement("h4");
    h.textContent = titles.get(ps.source_id) || ps.source_id;
    const id = document.createElement("span");
    id.className = "muted small";
    id.textContent = ` ${ps.source_id}`;
    h.append(id);
    const ol = document.createElement("ol");
    ol.className = "sentences";
    fill(ol, ps.summary, "No summary.");
    box.append(h, ol);
    return box;
  }));
  const st = result.stats || {};
  $("job-meta").textContent = `Job ${jobId} · ${result.sources.length} sources`;
  $("job-meta").dataset.jobId = jobId;
  $("stats").textContent = `Backend ${st.backend}${st.model ? ` (${st.model})` : ""} · ${st.llm_calls} LLM calls · `
    + `${st.source_tokens} source tokens → ${st.deduped_tokens} after dedup · ${Number(st.seconds || 0).toFixed(1)} s`;
  $("result").hidden = false;
  $("result-h").focus();
}

// ---------- source view ----------

async function openCitation(button, citation) {
  state.opener?.removeAttribute("aria-current");
  state.opener = button;
  button.setAttribute("aria-current", "true");
  try {
    await openSource(citation.source_id, { start: citation.start, end: citation.end });
  } catch (exc) {
    showError(`Could not open the source: ${describe(exc)}`);
  }
}

async function openSource(sourceId, span) {
  const analysis = await state.analysis;
  const source = analysis.sources.find((s) => s.id === sourceId);
  if (!source) throw new ApiError(`source ${sourceId} is not in the job's input`);
  state.dups = state.dups || new WeakMap();
  if (!state.dups.has(analysis)) state.dups.set(analysis, duplicatesBySource(analysis.duplicate_groups));
  const dups = state.dups.get(analysis).get(sourceId) || [];
  const onDuplicate = (group, index) => {
    const occ = analysis.duplicate_groups[group][index];
    openSource(occ.source_id, { start: occ.start, end: occ.end }).catch((exc) => showError(describe(exc)));
  };
  const view = $("source-view");
  view.hidden = false;
  $("source-h").textContent = source.title || source.id;
  $("source-meta").textContent = `${source.id} · cited characters ${span.start}–${span.end} · `
    + `${source.junk.length} passages left out by cleaning · ${dups.length} merged by dedup`;
  const box = $("source-text");
  const mark = renderSource(box, source, dups, span, onDuplicate);
  Object.assign(box.dataset, { source: source.id, start: String(span.start), end: String(span.end) });
  const target = mark || $("source-h");
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
}

function closeSource(returnFocus = true) {
  $("source-view").hidden = true;
  state.opener?.removeAttribute("aria-current");
  if (returnFocus && state.opener && document.contains(state.opener)) state.opener.focus();
}

// ---------- downloads ----------

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
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

// ---------- wiring ----------

function init() {
  const key = $("api-key");
  key.value = getKey();
  if (key.value) key.closest("details").open = true;
  const saveKey = () => { setKey(key.value.trim()); showError(""); loadBackends(); };
  key.addEventListener("change", saveKey);
  key.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); key.blur(); } });
  $("files").addEventListener("change", onFiles);
  $("add-paste").addEventListener("click", () => {
    showError("");
    try {
      if (!addPasted()) showError("The paste box is empty.");
    } catch (exc) { showError(describe(exc)); }
  });
  $("clear-docs").addEventListener("click", () => { state.docs = []; renderDocs(); });
  $("start").addEventListener("click", start);
  $("cancel").addEventListener("click", cancel);
  $("close-source").addEventListener("click", () => closeSource());
  $("source-view").addEventListener("keydown", (e) => { if (e.key === "Escape") closeSource(); });
  $("dl-json").addEventListener("click", () => {
    if (state.result) download(`summary-${state.job.id}.json`, JSON.stringify(state.result, null, 2), "application/json");
  });
  $("dl-md").addEventListener("click", downloadMarkdown);
  wireDrop();
  renderDocs();
  loadBackends();
}

init();
