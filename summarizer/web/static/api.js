// REST client for the summarizer API: JSON calls with the bearer key, error bodies turned into
// ApiError(message), and a streaming server-sent-events reader built on fetch() - EventSource
// cannot send an Authorization header, so it cannot be used when API keys are on.

export class ApiError extends Error {
  constructor(message, code = "error", status = 0, field = undefined) {
    super(message);
    this.code = code;
    this.status = status;
    this.field = field;
  }
}

const KEY_STORE = "summarizer.apiKey";

// The key lives in sessionStorage only: gone when the tab closes, never in localStorage or a URL.
export function getKey() {
  try { return sessionStorage.getItem(KEY_STORE) || ""; } catch { return ""; }
}

export function setKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORE, key);
    else sessionStorage.removeItem(KEY_STORE);
  } catch { /* storage disabled: the key is simply not kept */ }
}

function headers(extra = {}) {
  const h = { ...extra };
  const key = getKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

// The API's {"error": {"code","message","field"?}} body in words; anything else described plainly.
async function toError(resp) {
  let body = null;
  try { body = await resp.json(); } catch { /* not JSON: fall through */ }
  const err = body && body.error;
  if (err && err.message) return new ApiError(err.message, err.code, resp.status, err.field);
  return new ApiError(`The server answered ${resp.status} ${resp.statusText || ""}`.trim(), "http_error", resp.status);
}

// body: sent as JSON; raw: a Blob/File sent as it is (an upload).
async function send(path, { method = "GET", body, raw, accept = "application/json", signal } = {}) {
  const init = { method, headers: headers({ Accept: accept }), signal };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  } else if (raw !== undefined) {
    init.body = raw;
    init.headers["Content-Type"] = "application/octet-stream";
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (exc) {
    if (exc.name === "AbortError") throw exc;
    throw new ApiError(`Cannot reach the server (${exc.message}).`, "network_error");
  }
  if (!resp.ok) throw await toError(resp);
  return resp;
}

export const api = {
  backends: async () => (await send("/v1/backends")).json(),
  createJob: async (documents, options) => (await send("/v1/jobs", { method: "POST", body: { documents, options } })).json(),
  job: async (id) => (await send(`/v1/jobs/${encodeURIComponent(id)}`)).json(),
  result: async (id) => (await send(`/v1/jobs/${encodeURIComponent(id)}/result`)).json(),
  markdown: async (id) => (await send(`/v1/jobs/${encodeURIComponent(id)}/result?format=markdown`, { accept: "text/markdown" })).text(),
  analysis: async (id) => (await send(`/v1/jobs/${encodeURIComponent(id)}/analysis`)).json(),
  // POST .../cancel, not DELETE: a click that lands just after the job finished must not delete it.
  cancel: async (id) => (await send(`/v1/jobs/${encodeURIComponent(id)}/cancel`, { method: "POST" })).json(),
  // The caller's jobs, newest first: {data: [job], next: cursor | null}.
  jobs: async (limit, after) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (after) query.set("after", after);
    return (await send(`/v1/jobs?${query}`)).json();
  },
  // The server extracts a file's text as the CLI reads it: {id, title, text, pages?}.
  extract: async (file) => (await send(`/v1/documents/extract?filename=${encodeURIComponent(file.name)}`,
    { method: "POST", raw: file })).json(),
  citations: async (documents, summary) => (await send("/v1/citations", { method: "POST", body: { documents, summary } })).json(),
  analyze: async (documents) => (await send("/v1/analysis", { method: "POST", body: { documents } })).json(),
};

// Incremental text/event-stream parser (WHATWG rules: lines end in \n, \r\n or \r; a blank line
// dispatches; "data" lines join with \n; lines starting with ":" are comments, e.g. pings).
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buf = "";
    this.reset();
  }

  reset() {
    this.event = "";
    this.data = [];
    this.id = undefined;
  }

  push(chunk) {
    this.buf += chunk;
    // A trailing lone \r may be the first half of \r\n: keep it for the next chunk.
    const re = /\r\n|\r|\n/g;
    let start = 0;
    let m;
    while ((m = re.exec(this.buf)) !== null) {
      if (m[0] === "\r" && m.index === this.buf.length - 1) break;
      this.line(this.buf.slice(start, m.index));
      start = m.index + m[0].length;
    }
    this.buf = this.buf.slice(start);
  }

  line(line) {
    if (line === "") {
      if (this.data.length) this.onEvent({ event: this.event || "message", data: this.data.join("\n"), id: this.id });
      this.reset();
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") this.id = value;
  }
}

// Reads GET /v1/jobs/{id}/events until the stream closes; calls onEvent({event, data: parsed JSON, id}).
export async function streamEvents(jobId, onEvent, signal) {
  const resp = await send(`/v1/jobs/${encodeURIComponent(jobId)}/events`, { accept: "text/event-stream", signal });
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser((ev) => {
    let data;
    try { data = JSON.parse(ev.data); } catch { throw new ApiError(`The event stream sent unreadable data (${ev.event}).`, "bad_event"); }
    onEvent({ event: ev.event, data, id: ev.id });
  });
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.push(value);
  }
  parser.push("\n\n"); // flush an event the server ended without a blank line
}
