#!/usr/bin/env bash
# Local scale-out demo, all on loopback: a throwaway PostgreSQL (temp dir, free port), the schema
# (`summarizer db upgrade`), 2 API processes and 2 workers. A job goes in through API 1; its
# progress and result are streamed through API 2 while a worker runs it. Then everything stops
# and the temp dir is removed. Needs PostgreSQL (initdb, pg_ctl) and `pip install -e '.[postgres]'`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

pgbin() {  # PATH, /usr/local/bin, then Debian's /usr/lib/postgresql/<version>/bin
  command -v "$1" 2>/dev/null && return
  for c in /usr/local/bin/"$1" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV | sed "s|\$|/$1|"); do
    [ -x "$c" ] && { echo "$c"; return; }
  done
  echo "cluster-demo: $1 not found: install PostgreSQL (Debian: apt-get install postgresql)" >&2
  exit 2
}
INITDB=$(pgbin initdb); PG_CTL=$(pgbin pg_ctl); PSQL=$(pgbin psql)
"$PY" -c "import procrastinate, psycopg" 2>/dev/null || {
  echo "cluster-demo: the postgres extra is missing: pip install -e '.[postgres]'" >&2; exit 2; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

WORK=$(mktemp -d /tmp/summarizer-demo-XXXXXX)
chmod 755 "$WORK"
mkdir "$WORK/pg"
AS_PG=()
if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
  AS_PG=(runuser -u postgres --)
  chown postgres "$WORK/pg"
fi
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  "${AS_PG[@]}" "$PG_CTL" -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PGPORT=$(free_port)
echo "== PostgreSQL on 127.0.0.1:$PGPORT (data in $WORK/pg)"
"${AS_PG[@]}" "$INITDB" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
"${AS_PG[@]}" "$PG_CTL" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pg" start >/dev/null
"${AS_PG[@]}" "$PSQL" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -q \
  -c "CREATE DATABASE summarizer"

export SUMMARIZER_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/summarizer"
export SUMMARIZER_BACKEND=extractive SUMMARIZER_DATA_DIR="$WORK"
echo "== summarizer db upgrade"
"$PY" -m summarizer db upgrade

API1=$(free_port); API2=$(free_port)
for port in "$API1" "$API2"; do
  "$PY" -m summarizer serve --port "$port" --log-level warning 2>>"$WORK/api-$port.log" &
  PIDS+=($!)
done
for n in 1 2; do
  "$PY" -m summarizer worker --concurrency 2 --name "demo-worker-$n" 2>>"$WORK/worker-$n.log" &
  PIDS+=($!)
done
echo "== 2 API processes (127.0.0.1:$API1, 127.0.0.1:$API2), 2 workers"

"$PY" - "$API1" "$API2" <<'PYEOF'
import json, sys, time
from pathlib import Path
import httpx

a, b = (f"http://127.0.0.1:{p}" for p in sys.argv[1:3])
for url in (a, b):
    for _ in range(600):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        sys.exit(f"cluster-demo: {url} did not start")
docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(Path("seeds").glob("*.txt"))]
job = httpx.post(a + "/v1/jobs", json={"documents": docs}, timeout=30).json()
print(f"== job {job['id']} submitted through API 1 ({len(docs)} documents); streaming through API 2:")
with httpx.stream("GET", f"{b}/v1/jobs/{job['id']}/events", timeout=120) as resp:
    event = None
    for line in resp.iter_lines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event:
            data = json.loads(line.split(":", 1)[1])
            if event == "progress":
                print(f"   progress {data['stage']:<18} {data['fraction']:.0%}")
            elif event == "result":
                print(f"   result: {len(data['consolidated'])} consolidated sentences, e.g.:")
                print("   > " + data["consolidated"][0]["text"][:200])
                break
            else:
                sys.exit(f"cluster-demo: job failed: {data}")
status = httpx.get(f"{a}/v1/jobs/{job['id']}").json()["status"]
queue = [l for l in httpx.get(b + "/metrics").text.splitlines() if l.startswith("summarizer_queue")]
print(f"== API 1 says the job is {status}; API 2's /metrics: " + ", ".join(queue))
PYEOF
echo "== summarizer db status"
"$PY" -m summarizer db status || true
echo "== stopping (workers drain on SIGTERM)"
