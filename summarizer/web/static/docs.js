// The documents to summarize: uploads (text extracted by the server), drops and pasted text.

import { documentsFromFile, InputProblem } from "./inputs.js";
import { $, describe, el, rememberTitles, showError, state } from "./state.js";

export function renderDocs() {
  const list = $("doc-list");
  list.replaceChildren(...state.docs.map((d, i) => {
    const name = el("span", { class: "doc-name", title: `source id: ${d.id}` }, d.title || d.id);
    const meta = el("span", { class: "muted small" }, `${d.id} · ${[...d.text].length.toLocaleString()} characters`);
    const remove = el("button", { type: "button", class: "secondary small-btn", "aria-label": `Remove ${d.title || d.id}` }, "Remove");
    remove.addEventListener("click", () => {
      state.docs.splice(i, 1);
      renderDocs();
      $("files").focus();
    });
    const li = el("li");
    const text = el("div");
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
  rememberTitles(docs);
  renderDocs();
}

// Every file is read (or extracted by the server) before any is added: one bad file adds none.
export async function addFiles(files) {
  showError("");
  const busy = $("doc-busy");
  busy.hidden = false;
  busy.textContent = `Reading ${files.length} file${files.length === 1 ? "" : "s"}…`;
  try {
    const docs = [];
    for (const f of files) docs.push(...(await documentsFromFile(f)));
    addDocs(docs);
  } catch (exc) {
    showError(describe(exc));
  } finally {
    busy.hidden = true;
  }
}

// Text left in the paste box counts as a document. Returns false when the box is empty.
export function addPasted() {
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

export function wireDocs() {
  $("files").addEventListener("change", async (event) => {
    await addFiles([...event.target.files]);
    event.target.value = ""; // so picking the same file again fires "change"
  });
  const zone = $("drop");
  const over = (on) => (e) => { e.preventDefault(); zone.classList.toggle("over", on); };
  zone.addEventListener("dragenter", over(true));
  zone.addEventListener("dragover", over(true));
  zone.addEventListener("dragleave", over(false));
  zone.addEventListener("drop", (e) => {
    over(false)(e);
    addFiles([...(e.dataTransfer?.files || [])]);
  });
  $("add-paste").addEventListener("click", () => {
    showError("");
    try {
      if (!addPasted()) showError("The paste box is empty.");
    } catch (exc) { showError(describe(exc)); }
  });
  $("clear-docs").addEventListener("click", () => { state.docs = []; renderDocs(); });
  renderDocs();
}
