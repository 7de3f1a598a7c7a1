// Turning uploaded files into API documents {id, title?, text}. Files with text to extract (.pdf,
// .docx, .html, .txt, .md) go to the server (POST /v1/documents/extract), which reads them with the
// CLI's code, so a file gives the same text and citation offsets in the page and on the command
// line. .json (a record or a list) and .jsonl (a record per line) hold documents already: they are
// read here, as records {"id", "title"?, "text"}.

import { api } from "./api.js";

export const EXTRACTED = [".pdf", ".docx", ".html", ".htm", ".txt", ".md", ".markdown"];
export const RECORDS = [".json", ".jsonl"];
export const ACCEPTED = [...EXTRACTED, ...RECORDS];

export class InputProblem extends Error {}

function extension(name) {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot).toLowerCase() : "";
}

// fatal: bytes that are not UTF-8 are an error naming the file, as in the CLI (no silent U+FFFD).
async function readUtf8(file) {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes); // drops a leading BOM
  } catch {
    throw new InputProblem(`${file.name}: not UTF-8 text`);
  }
}

function record(obj, where) {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new InputProblem(`${where}: expected a record {"id", "text"}`);
  if (typeof obj.text !== "string") throw new InputProblem(`${where}: the record has no "text" string`);
  if (obj.id === undefined || obj.id === null || String(obj.id).trim() === "") throw new InputProblem(`${where}: the record has no "id"`);
  const doc = { id: String(obj.id), text: obj.text };
  if (typeof obj.title === "string" && obj.title) doc.title = obj.title;
  return doc;
}

function parseJson(text, where) {
  try { return JSON.parse(text); } catch (exc) { throw new InputProblem(`${where}: not valid JSON (${exc.message})`); }
}

async function records(file, ext) {
  const text = await readUtf8(file);
  if (ext === ".json") {
    const data = parseJson(text, file.name);
    const list = Array.isArray(data) ? data : [data];
    return list.map((r, i) => record(r, Array.isArray(data) ? `${file.name}[${i}]` : file.name));
  }
  const docs = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim()) docs.push(record(parseJson(line, `${file.name} line ${i + 1}`), `${file.name} line ${i + 1}`));
  });
  return docs;
}

export async function documentsFromFile(file) {
  const ext = extension(file.name);
  if (!ACCEPTED.includes(ext)) throw new InputProblem(`${file.name}: unsupported file type (use ${ACCEPTED.join(", ")})`);
  if (RECORDS.includes(ext)) return records(file, ext);
  const doc = await api.extract(file);
  const out = { id: doc.id, text: doc.text };
  if (doc.title) out.title = doc.title;
  if (doc.pages) out.pages = doc.pages; // citations into a PDF then carry their page, as in the CLI
  return [out];
}
