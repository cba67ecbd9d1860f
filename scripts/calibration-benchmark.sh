#!/usr/bin/env bash
# Regenerates BENCHMARKS.md's calibration accuracy tables on THIS machine: the search route
# (CPU-bound FTS5) and the payments route (SQLite's one writer, batched rewards), each with
# `capsim serve` pinned to core 1 and `capsim calibrate` to core 0, a release build, and the
# machine named in the table. Several minutes per route; run it on a quiet machine.
#
#   scripts/calibration-benchmark.sh [search|payments|both] [DURATION]   (default: both 60s)
#
# The JSON of each run is kept in reports/calibration/ROUTE.json; the tables between the
# markers <!-- calibration:ROUTE --> and <!-- /calibration:ROUTE --> in BENCHMARKS.md are
# rewritten from it by scripts/calibration-table.py.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
duration=${2:-60s}
# The issue's levels, and 60 % (the level the fitting run used to sit at, and the bar's).
levels=${LEVELS:-30%,50%,60%,70%,80%,90%}
capsim=.build/release/capsim
[ -x "$capsim" ] || { echo "calibration-benchmark: build first: swift build -c release" >&2; exit 2; }
mkdir -p reports/calibration
port=8097

serve() {   # serve DB [extra args…]: starts the server on core 1, waits until it answers
  local db=$1; shift
  rm -f "$db"
  taskset -c 1 "$capsim" serve --port $port --db "$db" --workers 1 --queue 256 --cache 0 "$@" 2>/dev/null &
  server=$!
  for _ in $(seq 100); do curl -sf "localhost:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "calibration-benchmark: the server did not start" >&2; exit 1
}
stop() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }

if [ "$which" = search ] || [ "$which" = both ]; then
  serve /tmp/capsim-bench-search.sqlite
  cmd="taskset -c 0 capsim calibrate --target http://127.0.0.1:$port --levels $levels --duration $duration"
  taskset -c 0 "$capsim" calibrate --target "http://127.0.0.1:$port" --levels "$levels" --duration "$duration" --format json --no-store \
    --out reports/calibration/scenarios > reports/calibration/search.json
  stop
  python3 scripts/calibration-table.py search reports/calibration/search.json "$cmd"
fi
if [ "$which" = payments ] || [ "$which" = both ]; then
  export CAPSIM_TOKEN_SECRET=calibration-secret
  serve /tmp/capsim-bench-payments.sqlite
  token=$(curl -s -X POST "localhost:$port/auth/token" -d '{"creator":"abebe","password":"abebe-pass"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  cmd="taskset -c 0 capsim calibrate --target http://127.0.0.1:$port --route POST:/payments --body '{\"amount\":120,\"currency\":\"ETB\",\"product_id\":7}' --header \"Authorization: Bearer \$TOKEN\" --levels $levels --duration $duration"
  taskset -c 0 "$capsim" calibrate --target "http://127.0.0.1:$port" --route POST:/payments --body '{"amount":120,"currency":"ETB","product_id":7}' \
    --header "Authorization: Bearer $token" --levels "$levels" --duration "$duration" --format json --no-store \
    --out reports/calibration/scenarios > reports/calibration/payments.json
  stop
  python3 scripts/calibration-table.py payments reports/calibration/payments.json "$cmd"
fi
