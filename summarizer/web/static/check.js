// "Check a summary": a summary written elsewhere, each sentence checked against the documents
// (POST /v1/citations): supported, unsupported or contradicted, why, and its exact citations,
// opened in the same source view as a result's.

import { api } from "./api.js";
import { appendCitations, citationNumbers } from "./result.js";
import { $, describe, el, rememberTitles, state } from "./state.js";

const REASONS = {
  verbatim: "found word for word",
  entailed: "the cited passages say it",
  low_coverage: "the sources do not say this (too little of it is found in them)",
  no_claim: "no claim to check",
  number_missing: "a figure is not in the sources",
  number_mismatch: "a figure differs from the sources",
  negation: "the sources say the opposite (negation)",
  antonym: "the sources say the opposite",
  entity_missing: "a name is not in the cited passages",
  quote_missing: "the quotation is not in the sources",
  role_swap: "who did what is swapped",
};

const describeReason = (r) => REASONS[r] || String(r).replace(/_/g, " ");

function showError(message) {
  const box = $("check-error");
  box.textContent = message;
  box.hidden = !message;
}

// The documents to check against: the list's, or else the shown job's sources.
async function documentsToCheck() {
  if (state.docs.length) {
    return { docs: state.docs, analysis: null, from: `the ${state.docs.length} documents in the list` };
  }
  if (state.result && state.analysis) {
    const analysis = await state.analysis;
    const docs = analysis.sources.map((s) => (s.title ? { id: s.id, title: s.title, text: s.text } : { id: s.id, text: s.text }));
    return { docs, analysis: state.analysis, from: `the ${docs.length} sources of job ${state.job.id}` };
  }
  return null;
}

function sentenceItem(s, numberOf, analysis) {
  const li = el("li", { class: `checked-${s.status}` });
  li.dataset.status = s.status;
  const badge = el("span", { class: `verdict verdict-${s.status}` }, s.status);
  const reason = el("span", { class: "reason muted small" },
    ` — ${describeReason(s.reason)}${s.detail ? `: “${s.detail}”` : ""}`);
  li.append(badge, " ", s.text, " ");
  appendCitations(li, s.citations, numberOf, analysis);
  li.append(reason);
  return li;
}

async function check() {
  showError("");
  const summary = $("check-text").value;
  if (!summary.trim()) {
    showError("Paste the summary to check first.");
    $("check-text").focus();
    return;
  }
  const button = $("check-start");
  button.disabled = true;
  $("check-meta").textContent = "Checking…";
  try {
    const source = await documentsToCheck();
    if (!source) {
      $("check-meta").textContent = "";
      showError("Add the documents the summary should rest on (section 1), or open a job's result first.");
      return;
    }
    rememberTitles(source.docs);
    const report = await api.citations(source.docs, summary);
    const analysis = source.analysis || api.analyze(source.docs); // for the source view
    analysis.catch(() => {});
    const numberOf = citationNumbers();
    $("check-results").replaceChildren(...report.sentences.map((s) => sentenceItem(s, numberOf, analysis)));
    $("check-meta").textContent = `${report.sentences.length} sentences checked against ${source.from}: `
      + `${report.supported} supported, ${report.unsupported} unsupported, ${report.contradicted} contradicted.`;
  } catch (exc) {
    $("check-meta").textContent = "";
    showError(describe(exc));
  } finally {
    button.disabled = false;
  }
}

export function wireCheck() {
  $("check-start").addEventListener("click", check);
}
