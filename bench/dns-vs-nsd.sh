#!/usr/bin/env bash
# DNS queries/s of jtau's authoritative server vs NSD serving the same 1,000 names on 127.0.0.1,
# both measured with dnsperf (UDP, 4 clients, 200 outstanding, SECONDS each after a 3 s warm-up)
# in the same run, plus a sequential 2,000-query probe for p99. Prints the ratio and writes
# bench/results/dns-vs-nsd-<millis>.json. Installs dnsperf and nsd with apt-get when missing
# (as root). Usage: bench/dns-vs-nsd.sh [SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${1:-10}
export PATH="$PATH:/usr/sbin"
if ! command -v dnsperf >/dev/null || ! command -v nsd >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq dnsperf nsd >/dev/null
  else
    echo "dnsperf and nsd are needed (apt-get install dnsperf nsd)" >&2
    exit 2
  fi
fi
cd "$ROOT"
mvn -B -q -o test -Dtest=DnsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.seconds="$SECONDS_EACH" -Dbench.results="$ROOT/bench/results" 2>&1 \
  | grep -E 'DNS-BENCH|ERROR|FAIL' || true
ls -t "$ROOT"/bench/results/dns-vs-nsd-*.json | head -1 | xargs cat
