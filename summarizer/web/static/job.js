// Running a job: the options (checked as the API checks them), the progress bar fed by the event
// stream, cancelling, and what a failed or cancelled job means and what to do about it. Other
// modules hear of jobs through "job:created" and "job:finished" events on the document.

import { api, ApiError, streamEvents } from "./api.js";
import { addPasted } from "./docs.js";
import { InputProblem } from "./inputs.js";
import { hideResult, showResult } from "./result.js";
import { closeSource } from "./sourceview.js";
import { $, describe, el, showError, sourceName, state } from "./state.js";

const STAGES = {
  start: "Queued", prepare: "Reading and cleaning sources", dedup: "Removing duplicates",
  summarize_source: "Summarizing sources", map: "Summarizing chunks", reduce: "Combining chunk summaries",
  consolidate: "Writing the consolidated summary", conflicts: "Looking for conflicts", done: "Done",
};

// What to do after a failure, by the job's error code (summarizer/errors.py).
const HINTS = {
  cancelled: "Start it again when you are ready; the documents are still in the list above.",
  llm_unavailable: "The model endpoint did not answer. Check that the model server is running and reachable "
    + "from the summarizer server (its /readyz says so), or pick another backend, then start again.",
  llm_auth: "The model endpoint refused the server's credentials: whoever runs the server should check its API "
    + "key for the endpoint. Meanwhile another backend may work.",
  llm_bad_request: "The model endpoint rejected the request (often an unknown model name). Pick another backend or "
    + "model, or ask whoever runs the server.",
  llm_bad_reply: "The model answered with something unusable. Start again; if it keeps happening, try another model.",
  context_overflow: "A text is too long for the model's context window. Use a model with a larger context, or "
    + "split the longest documents.",
  local_model_error: "The bundled local model could not run. Whoever runs the server should look at its log.",
  interrupted: "The server stopped several times while running this job. Start it again.",
  invalid_input: "Fix the documents named in the message, then start again.",
  invalid_document: "Fix the document named in the message, then start again.",
  config_error: "The server is not set up for this backend. Pick another backend, or ask whoever runs the server.",
};
const DEFAULT_HINT = "Start the job again. If it fails the same way, send the job id and this message to whoever "
  + "runs the server.";

const COUNTS = [
  ["per-source", "Sentences per source", "per_source_sentences", 1, 20],
  ["consolidated-n", "Consolidated sentences", "consolidated_sentences", 1, 40],
];

// The options as the API accepts them (SummaryOptions): counts are whole numbers in range, never
// silently replaced by a default.
function readOptions() {
  const opts = {};
  for (const [id, label, field, lo, hi] of COUNTS) {
    const input = $(id);
    const raw = input.value.trim();
    const n = Number(raw);
    const ok = raw !== "" && Number.isInteger(n) && n >= lo && n <= hi;
    input.toggleAttribute("aria-invalid", !ok);
    if (!ok) {
      input.focus();
      throw new InputProblem(`${label} (${field}) must be a whole number from ${lo} to ${hi}`
        + `${raw === "" ? "; the box is empty or not a number." : `; “${raw}” is not.`}`);
    }
    opts[field] = n;
  }
  if ($("backend").value) opts.backend = $("backend").value;
  return opts;
}

export function setProgress(p, status) {
  $("progress-box").hidden = false;
  const fraction = Math.max(0, Math.min(1, Number(p.fraction) || 0));
  $("progress").value = fraction;
  const stage = STAGES[p.stage] || String(p.stage || status || "").replace(/_/g, " ");
  const count = p.total ? ` (${p.done}/${p.total})` : "";
  const source = p.source_id ? ` — ${sourceName(p.source_id)}` : "";
  $("progress-text").textContent = `${status ? status + ": " : ""}${stage}${source}${count} · ${Math.round(fraction * 100)}%`;
}

function setRunning(running) {
  $("start").disabled = running;
  $("cancel").hidden = !running;
}

function hideFailure() {
  $("failure").hidden = true;
}

// A failed or cancelled job: what happened, its code, and what to do. No progress bar left behind.
export function showFailure(err, jobId) {
  const cancelled = err.code === "cancelled";
  $("progress-box").hidden = true;
  const box = $("failure");
  box.classList.toggle("cancelled", cancelled);
  $("failure-h").textContent = cancelled ? `Job ${jobId} was cancelled` : `Job ${jobId} failed`;
  $("failure-message").replaceChildren(err.message || "(no message)", " ", el("code", { class: "code" }, err.code));
  $("failure-hint").textContent = HINTS[err.code] || DEFAULT_HINT;
  $("retry").hidden = !state.docs.length;
  box.hidden = false;
  document.dispatchEvent(new CustomEvent("job:finished", { detail: jobId }));
}

function finished(jobId, result) {
  $("progress-box").hidden = true;
  showResult(jobId, result);
  $("result-h").focus();
  document.dispatchEvent(new CustomEvent("job:finished", { detail: jobId }));
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
        else if (ev.event === "result") { final = true; finished(jobId, ev.data); }
        else if (ev.event === "error") { final = true; showFailure(ev.data, jobId); }
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
  if (job.status === "succeeded") finished(jobId, await api.result(jobId));
  else if (job.error) showFailure(job.error, jobId);
  else throw new ApiError(`Lost the connection to the job's progress (job ${jobId} is ${job.status}).`);
}

async function watch(jobId) {
  setRunning(true);
  try {
    await follow(jobId);
  } catch (exc) {
    if (exc.name !== "AbortError") showError(describe(exc));
  } finally {
    if (state.job?.id === jobId) setRunning(false);
  }
}

function leaveCurrent() {
  state.abort?.abort(); // stop following another job
  showError("");
  hideFailure();
  hideResult();
  closeSource(false);
}

export async function start() {
  showError("");
  let options;
  try {
    addPasted(); // text left in the box counts as a document
    options = readOptions();
  } catch (exc) {
    showError(describe(exc));
    return;
  }
  if (!state.docs.length) {
    showError("Add at least one document: upload files or paste text.");
    $("files").focus();
    return;
  }
  leaveCurrent();
  setRunning(true);
  let job;
  try {
    job = await api.createJob(state.docs, options);
  } catch (exc) {
    showError(describe(exc));
    setRunning(false);
    return;
  }
  state.job = job;
  document.dispatchEvent(new CustomEvent("job:created", { detail: job.id }));
  setProgress({ stage: "start", fraction: 0 }, "Queued");
  await watch(job.id);
}

// A job opened by its link (#/jobs/ID): its result, its failure, or its progress if still running.
export async function openJob(jobId) {
  if (state.job?.id === jobId && (state.result || !$("cancel").hidden)) return; // already shown
  leaveCurrent();
  setRunning(false);
  state.job = { id: jobId };
  try {
    const job = await api.job(jobId);
    if (job.status === "succeeded") {
      $("progress-box").hidden = true;
      showResult(jobId, await api.result(jobId));
      $("result-h").focus();
    } else if (job.status === "failed" || job.status === "cancelled") {
      showFailure(job.error || { code: job.status, message: `The job is ${job.status}.` }, jobId);
    } else {
      setProgress(job.progress || { stage: job.status }, job.status === "queued" ? "Queued" : "Running");
      await watch(jobId);
    }
  } catch (exc) {
    showError(`Job ${jobId}: ${describe(exc)}`);
  }
}

async function cancel() {
  if (!state.job) return;
  try {
    // The event stream then ends with an "error" event {code: "cancelled"}, shown by showFailure.
    await api.cancel(state.job.id);
  } catch (exc) {
    showError(describe(exc));
  }
}

export function wireJobs() {
  $("start").addEventListener("click", start);
  $("retry").addEventListener("click", start);
  $("cancel").addEventListener("click", cancel);
}
