#!/usr/bin/env bash
# Requests/s of the hello sample function through the gateway (Host routing + fresh Wasm instance
# per request) against the plain Quarkus route GET /api/bench/hello returning the same bytes, in
# the same run: starts `./tau dream --http-port 0 --fresh` in a temp folder, reads dream.json,
# runs `wrk -t2 -c64 -d20s` on each (function first), prints both and the ratio.
# Installs wrk with apt-get when missing (as root). Usage: bench/function-vs-quarkus.sh [DURATION]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-20s}
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "wrk missing (apt-get install -y wrk)" >&2; exit 2; }
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
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
rps() { wrk -t2 -c64 -d"$DURATION" "$@" | awk '/Requests\/sec/ { print $2 }'; }
# a short warm-up of both paths (JIT), then the measured runs
wrk -t2 -c64 -d5s -H "Host: $HOST" "$BASE/hello" >/dev/null
wrk -t2 -c64 -d5s -H "$AUTH" "$BASE/api/bench/hello" >/dev/null
FN=$(rps -H "Host: $HOST" "$BASE/hello")
Q=$(rps -H "$AUTH" "$BASE/api/bench/hello")
echo "function via gateway: $FN req/s"
echo "plain Quarkus route:  $Q req/s (with the operator token check)"
awk -v f="$FN" -v q="$Q" 'BEGIN { printf "ratio function/quarkus: %.2f\n", f / q }'
