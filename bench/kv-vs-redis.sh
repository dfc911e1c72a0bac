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
kvline=$(java --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp_" \
  io.jtau.runtime.kv.KvBenchMain "$work/kv" "$puts" "$gets" | tee /dev/stderr | grep '^jtau-kv')
emit=()
for kv in ${kvline#jtau-kv }; do emit+=("jtau.$kv"); done

. bench/lib.sh
( need redis-server redis-server && need redis-benchmark redis-tools ) || true
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  echo "redis-server/redis-benchmark not installed: skipping the Redis side"
  python3 bench/emit.py kv-vs-redis redis=missing "${emit[@]}"
  exit 0
fi
# redis-benchmark redraws its progress with \r even with -q; keep the summary lines only
summary() { tr '\r' '\n' | grep -E 'requests per second' || true; }
rate() { awk '{ print $2 }' | head -1; }
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
  set_line=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$n" -c "$clients" -q | summary)
  echo "$set_line"
  echo "== redis, $clients client(s): GET -n $gets"
  get_line=$(redis-benchmark -h 127.0.0.1 -p "$port" -t get -n "$gets" -c "$clients" -q | summary)
  echo "$get_line"
  emit+=("redis.durable_set_per_s_${clients}_clients=$(rate <<<"$set_line")"
    "redis.get_per_s_${clients}_clients=$(rate <<<"$get_line")")
done
echo "== redis defaults as in the issue: redis-benchmark -t set,get -n 100000 -q"
redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -n 100000 -q | summary
if [ -s target/pubsub-websocket-latency.txt ]; then
  echo "== from the last DataIT run"
  cat target/pubsub-websocket-latency.txt
  read -r p50 p99 < <(sed -n 's/.*p50 \([0-9]*\) us, p99 \([0-9]*\) us.*/\1 \2/p' target/pubsub-websocket-latency.txt)
  [ -n "${p50:-}" ] && emit+=("pubsub_websocket.p50_us=$p50" "pubsub_websocket.p99_us=$p99")
fi
set1=$(printf '%s\n' "${emit[@]}" | sed -n 's/^jtau.durable_put_per_s_1_writer=//p')
r1=$(printf '%s\n' "${emit[@]}" | sed -n 's/^redis.durable_set_per_s_1_clients=//p')
set16=$(printf '%s\n' "${emit[@]}" | sed -n 's/^jtau.durable_put_per_s_16_writers=//p')
r16=$(printf '%s\n' "${emit[@]}" | sed -n 's/^redis.durable_set_per_s_16_clients=//p')
python3 bench/emit.py kv-vs-redis "${emit[@]}" \
  "ratio.durable_put_1=$(awk -v a="$set1" -v b="$r1" 'BEGIN{printf "%.2f", a/b}')" \
  "ratio.durable_put_16=$(awk -v a="$set16" -v b="$r16" 'BEGIN{printf "%.2f", a/b}')"
