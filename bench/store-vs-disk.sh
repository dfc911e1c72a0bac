#!/usr/bin/env bash
# Compares jtau's content store with plain disk copies of the same file.
#
# Builds nothing: run `mvn -B -o test-compile` first. Usage:
#   bench/store-vs-disk.sh [WORKDIR] [ROUNDS]
# Prints, for 1 MB and 100 MB files: store put/get (median of ROUNDS) from
# io.jtau.store.StoreThroughputMain, and the medians of `cp` (no fsync), `dd conv=fsync`
# (copy + fsync, the fair comparison for a durable put) and `cat > /dev/null` (warm cache,
# the comparison for a verified get).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d /tmp/jtau-store-bench.XXXXXX)}
rounds=${2:-5}
cpfile=target/bench-classpath.txt
if [ ! -s "$cpfile" ]; then
  mvn -q -o dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
fi
cp_="target/classes:target/test-classes:$(cat "$cpfile")"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }

emit=()
for size in 1048576 104857600; do
  line=$(java --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp_" \
    io.jtau.store.StoreThroughputMain "$work" "$size" "$rounds")
  echo "$line"
  src="$work/source-$size.bin"
  cp_us=$(for i in $(seq "$rounds"); do rm -f "$work/copy"; ms cp "$src" "$work/copy"; done | median)
  dd_us=$(for i in $(seq "$rounds"); do rm -f "$work/copy"; ms dd if="$src" of="$work/copy" bs=1M conv=fsync; done | median)
  cat_us=$(for i in $(seq "$rounds"); do ms sh -c "cat '$src' > /dev/null"; done | median)
  echo "size=$size cp_ms=$((cp_us / 1000)).$(( (cp_us % 1000) / 100 )) dd_fsync_ms=$((dd_us / 1000)).$(( (dd_us % 1000) / 100 )) cat_ms=$((cat_us / 1000)).$(( (cat_us % 1000) / 100 ))"
  label=$((size / 1048576))MB
  put_ms=$(sed -n 's/.*put_ms=\([0-9.]*\).*/\1/p' <<<"$line")
  get_ms=$(sed -n 's/.*get_ms=\([0-9.]*\).*/\1/p' <<<"$line")
  emit+=("$label.put_ms=$put_ms" "$label.get_ms=$get_ms"
    "$label.cp_ms=$(awk -v u="$cp_us" 'BEGIN{printf "%.1f", u/1000}')"
    "$label.dd_fsync_ms=$(awk -v u="$dd_us" 'BEGIN{printf "%.1f", u/1000}')"
    "$label.cat_ms=$(awk -v u="$cat_us" 'BEGIN{printf "%.1f", u/1000}')"
    "$label.put_vs_cp=$(awk -v a="$put_ms" -v u="$cp_us" 'BEGIN{printf "%.2f", a/(u/1000)}')"
    "$label.put_vs_dd_fsync=$(awk -v a="$put_ms" -v u="$dd_us" 'BEGIN{printf "%.2f", a/(u/1000)}')"
    "$label.get_vs_cat=$(awk -v a="$get_ms" -v u="$cat_us" 'BEGIN{printf "%.2f", a/(u/1000)}')")
  rm -rf "$work"/store-* "$work/copy"
done
python3 bench/emit.py store-vs-disk rounds="$rounds" "${emit[@]}"
