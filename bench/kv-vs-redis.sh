#!/usr/bin/env bash
# Durable key/value throughput: jtau's KvStore (Xodus, durableWrite, group commit) against
# Redis with appendonly yes + appendfsync always (an fsync per write), on the same disk, in the
# same run. Also prints the publish -> WebSocket latency measured by DataIT if it ran.
#
# Needs redis-server and redis-benchmark (apt-get install redis-server) and compiled tests
# (`mvn -B -o test-compile`). Usage: bench/kv-vs-redis.sh [PUTS] [GETS]
set -euo pipefail
cd "$(dirname "$0")/.."
puts=${1:-5000}
gets=${2:-200000}
work=$(mktemp -d /tmp/jtau-kv-bench.XXXXXX)
cpfile=target/bench-classpath.txt
if [ ! -s "$cpfile" ]; then
  mvn -q -o dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
fi
cp_="target/classes:target/test-classes:$(cat "$cpfile")"

echo "== jtau KvStore ($puts durable puts single-threaded, $((puts * 4)) with 16 writers, $gets gets)"
java --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp_" \
  io.jtau.runtime.kv.KvBenchMain "$work/kv" "$puts" "$gets"

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  echo "redis-server/redis-benchmark not installed: skipping the Redis side"
  exit 0
fi
# redis-benchmark redraws its progress with \r even with -q; keep the summary lines only
summary() { tr '\r' '\n' | grep -E 'requests per second' || true; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$port" --dir "$work/redis" --appendonly yes \
  --appendfsync always --save '' --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  python3 -c 'import time; time.sleep(0.1)'
done
for clients in 1 16 50; do
  n=$((clients == 1 ? puts : puts * 4))
  echo "== redis appendfsync always, $clients client(s): SET -n $n"
  redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$n" -c "$clients" -q | summary
  echo "== redis, $clients client(s): GET -n $gets"
  redis-benchmark -h 127.0.0.1 -p "$port" -t get -n "$gets" -c "$clients" -q | summary
done
echo "== redis defaults as in the issue: redis-benchmark -t set,get -n 100000 -q"
redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -n 100000 -q | summary
if [ -s target/pubsub-websocket-latency.txt ]; then
  echo "== from the last DataIT run"
  cat target/pubsub-websocket-latency.txt
fi
