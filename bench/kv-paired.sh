#!/usr/bin/env bash
# Single-writer durable put latency of KvStore as built from REV (default: main) against the
# working tree, in one JVM, alternating blocks of puts (KvPairedBenchMain): both builds share the
# disk and its neighbours at every moment, which separate runs on a shared machine do not.
# Only src/main/java/io/jtau/runtime/kv of REV is compiled (the package needs nothing else of
# the project). Needs compiled tests (`mvn -B -o test-compile`).
# Usage: bench/kv-paired.sh [REV] [BLOCKS] [PUTS_PER_BLOCK] [DIR]   (DIR e.g. /dev/shm: no fsync cost)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-main}
blocks=${2:-20}
per=${3:-250}
work=$(mktemp -d /tmp/jtau-kv-paired.XXXXXX)
data=${4:-$work}/kv-paired-data.$$
trap 'rm -rf "$work" "$data"' EXIT
cpfile=target/bench-classpath.txt
if [ ! -s "$cpfile" ]; then
  mvn -q -o dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
fi
deps=$(cat "$cpfile")
mkdir -p "$work/src" "$work/old"
for f in $(git ls-tree --name-only "$rev" src/main/java/io/jtau/runtime/kv/); do
  git show "$rev:$f" >"$work/src/$(basename "$f")"
done
javac -nowarn -d "$work/old" -cp "$deps" "$work/src"/*.java
echo "== $blocks blocks of $per durable puts, a = $rev ($(git rev-parse --short "$rev")), b = working tree, data in $(dirname "$data")"
line=$(java --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp target/test-classes \
  io.jtau.runtime.kv.KvPairedBenchMain "$data" "$blocks" "$per" "$work/old" target/classes "$deps" \
  2>"$work/err" | grep '^kv-paired')
echo "$line"
emit=("rev=$rev")
for kv in ${line#kv-paired }; do emit+=("$kv"); done
python3 bench/emit.py kv-paired "${emit[@]}"
