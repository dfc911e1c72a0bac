#!/usr/bin/env bash
# Static-file requests/s of the jtau gateway vs nginx serving the same file on 127.0.0.1, both
# measured with wrk (-t2 -c64, SECONDS each after a 3 s warm-up) in the same run; prints the ratio
# and the p99 latencies and writes bench/results/website-vs-nginx-<millis>.json.
# Installs nginx and wrk with apt-get when missing (as root). Usage: bench/website-vs-nginx.sh [SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${1:-10}
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq wrk nginx-light curl >/dev/null
  else
    echo "wrk and nginx are needed (apt-get install wrk nginx-light)" >&2
    exit 2
  fi
fi
export PATH="$PATH:/usr/sbin"
cd "$ROOT"
mvn -B -q -o test -Dtest=WebsiteBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.seconds="$SECONDS_EACH" -Dbench.results="$ROOT/bench/results" 2>&1 \
  | grep -E 'WEBSITE-BENCH|ERROR|FAIL' || true
ls -t "$ROOT"/bench/results/website-vs-nginx-*.json | head -1 | xargs cat
