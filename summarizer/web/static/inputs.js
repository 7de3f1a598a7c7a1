// Turning uploaded files into API documents {id, title?, text}, the way the CLI reads them:
// .txt/.md as-is (UTF-8, a leading BOM dropped), .html as its visible text, .json a record or a
// list of records, .jsonl a record per line. A file's id is its name without the extension.

export const ACCEPTED = [".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"];

export class InputProblem extends Error {}

function stem(name) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

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

const BLOCK = new Set(["ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "BR", "DD", "DIV", "DL", "DT", "FIGCAPTION",
  "FIGURE", "FOOTER", "H1", "H2", "H3", "H4", "H5", "H6", "HEADER", "HR", "LI", "MAIN", "NAV", "OL", "P", "PRE",
  "SECTION", "TABLE", "TR", "UL"]);
const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD", "SVG", "IFRAME"]);

// Visible text of an HTML page: block elements become paragraph breaks, whitespace runs collapse.
// The API cites offsets in whatever text it was sent, so this only has to be readable, and it is
// what the source view shows.
export function htmlToText(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const parts = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) parts.push(child.data.replace(/\s+/g, " "));
      else if (child.nodeType === Node.ELEMENT_NODE && !SKIP.has(child.tagName)) {
        const block = BLOCK.has(child.tagName);
        if (block) parts.push("\n\n");
        walk(child);
        if (block) parts.push("\n\n");
      }
    }
  };
  walk(doc.body || doc.documentElement);
  return parts.join("").split(/\n\n+/).map((p) => p.trim()).filter(Boolean).join("\n\n");
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

export async function documentsFromFile(file) {
  const ext = extension(file.name);
  if (!ACCEPTED.includes(ext)) throw new InputProblem(`${file.name}: unsupported file type (use ${ACCEPTED.join(", ")})`);
  const text = await readUtf8(file);
  if (ext === ".json") {
    const data = parseJson(text, file.name);
    const list = Array.isArray(data) ? data : [data];
    return list.map((r, i) => record(r, Array.isArray(data) ? `${file.name}[${i}]` : file.name));
  }
  if (ext === ".jsonl") {
    const docs = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim()) docs.push(record(parseJson(line, `${file.name} line ${i + 1}`), `${file.name} line ${i + 1}`));
    });
    return docs;
  }
  if (ext === ".html" || ext === ".htm") {
    const doc = new DOMParser().parseFromString(text, "text/html");
    const title = (doc.querySelector("title")?.textContent || "").trim();
    const out = { id: stem(file.name), text: htmlToText(text) };
    if (title) out.title = title;
    return [out];
  }
  return [{ id: stem(file.name), text }];
}
