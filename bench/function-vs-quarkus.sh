#!/usr/bin/env bash
# Requests/s of the hello sample function through the gateway (Host routing + fresh Wasm instance
# per request) against the plain Quarkus route GET /api/bench/hello returning the same bytes, in
# the same run: starts `./tau dream --http-port 0 --fresh` in a temp folder, reads dream.json,
# runs `wrk -t2 -c64 -d20s` on each (function first), prints both and the ratio.
# Installs wrk with apt-get when missing (as root). Usage: bench/function-vs-quarkus.sh [DURATION]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-20s}
. "$ROOT/bench/lib.sh"
need wrk wrk
WORK=$(mktemp -d)
"$ROOT/tau" dream --fresh --http-port 0 --data-dir "$WORK/data" > "$WORK/dream.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 6000); do
  [ -f "$WORK/data/dream.json" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/dream.log" >&2; exit 1; }
  sleep 0.1
done
read -r BASE HOST TOKEN < <(python3 -c '
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))
url = urllib.parse.urlparse(d["projects"][0]["urls"][0])
print(d["gatewayBase"], url.hostname, d.get("operatorToken", ""))' "$WORK/data/dream.json")
# /api needs a token since the access layer; the baseline carries the operator token
AUTH="Authorization: Bearer $TOKEN"
body_fn=$(curl -sf -H "Host: $HOST" "$BASE/hello")
body_q=$(curl -sf -H "$AUTH" "$BASE/api/bench/hello")
[ "$body_fn" = "$body_q" ] || { echo "bodies differ: '$body_fn' vs '$body_q'" >&2; exit 1; }
# prints "req/s p99_ms" from wrk --latency
rps() {
  wrk -t2 -c64 -d"$DURATION" --latency "$@" | awk '
    /Requests\/sec/ { r = $2 }
    $1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; p = v }
    END { print r, p }'
}
# a short warm-up of both paths (JIT), then the measured runs
wrk -t2 -c64 -d5s -H "Host: $HOST" "$BASE/hello" >/dev/null
wrk -t2 -c64 -d5s -H "$AUTH" "$BASE/api/bench/hello" >/dev/null
read -r FN FN_P99 < <(rps -H "Host: $HOST" "$BASE/hello")
read -r Q Q_P99 < <(rps -H "$AUTH" "$BASE/api/bench/hello")
echo "function via gateway: $FN req/s, p99 $FN_P99 ms"
echo "plain Quarkus route:  $Q req/s, p99 $Q_P99 ms (with the operator token check)"
RATIO=$(awk -v f="$FN" -v q="$Q" 'BEGIN { printf "%.2f", f / q }')
echo "ratio function/quarkus: $RATIO"
python3 "$ROOT/bench/emit.py" function-vs-quarkus duration="$DURATION" function.rps="$FN" \
  function.p99_ms="$FN_P99" quarkus.rps="$Q" quarkus.p99_ms="$Q_P99" ratio="$RATIO"
