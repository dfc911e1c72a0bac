#!/usr/bin/env bash
# Compute ratio of the same C module (bench/compute/bench.c: recursive fib + a byte loop) on
# Chicory's runtime compiler vs Node.js's WebAssembly (V8), in the same run.
# Needs clang with the wasm32 target and wasm-ld (apt-get install clang lld), node, and a test
# compile of the project (mvn -o test-compile). Usage: bench/compute-vs-node.sh [fibN rounds reps]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIB=${1:-32}; ROUNDS=${2:-300}; REPS=${3:-5}
. "$ROOT/bench/lib.sh"
need clang clang lld
need wasm-ld lld
need node nodejs
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$WORK/bench.wasm" "$ROOT/bench/compute/bench.c"
cd "$ROOT"
[ -d target/test-classes ] || mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="target/classes:target/test-classes:$(cat "$WORK/cp.txt")"
java -cp "$CP" io.jtau.runtime.wasm.ComputeBench "$WORK/bench.wasm" "$FIB" "$ROUNDS" "$REPS" > "$WORK/chicory.txt"
node "$ROOT/bench/compute/node-bench.mjs" "$WORK/bench.wasm" "$FIB" "$ROUNDS" "$REPS" > "$WORK/node.txt"
echo "workload  chicory-ms  node-ms  ratio (fib($FIB), bytes($ROUNDS x 64 KiB), best of $REPS)"
emit=(fib_n="$FIB" byte_rounds="$ROUNDS" reps="$REPS")
while read -r n1 c r1 n2 v r2; do
  [ "$r1" = "$r2" ] || { echo "results differ for $n1: $r1 vs $r2" >&2; exit 1; }
  ratio=$(awk -v c="$c" -v v="$v" 'BEGIN { printf "%.2f", c / v }')
  printf "%-9s %10.2f %8.2f %6.2fx\n" "$n1" "$c" "$v" "$ratio"
  emit+=("$n1.chicory_ms=$c" "$n1.node_ms=$v" "$n1.chicory_over_node=$ratio")
done < <(paste "$WORK/chicory.txt" "$WORK/node.txt")
python3 "$ROOT/bench/emit.py" compute-vs-node "${emit[@]}"
