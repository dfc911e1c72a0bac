#!/usr/bin/env bash
# Runs every benchmark (or the named ones), then writes bench/results/<timestamp>.json with all
# their results and bench/results/<timestamp>.md with a table. Each benchmark is a script
# bench/<name>.sh that writes its own JSON file bench/results/<name>-*.json and exits 0.
# Every benchmark binds to loopback and bounds its loops in count and time; each also gets a
# hard time limit here (BENCH_TIMEOUT seconds, default 900).
# Usage: bench/run.sh [NAME...]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/results"
mkdir -p "$OUT"
MARK="$OUT/.start-$STAMP"
touch "$MARK"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in bench/*.sh; do
    n=$(basename "$f" .sh)
    case "$n" in run | lib) continue ;; esac
    names+=("$n")
  done
fi

# Build once so no benchmark pays for it.
if [ -z "${TAU_SKIP_BUILD:-}" ]; then
  echo "== building the node once" >&2
  mvn -B -q -DskipTests package >&2 || { echo "build failed" >&2; exit 1; }
fi
export TAU_SKIP_BUILD=1

status=0
for n in "${names[@]}"; do
  script="bench/$n.sh"
  if [ ! -x "$script" ]; then
    echo "== $n: no such benchmark ($script)" >&2
    status=1
    continue
  fi
  echo "== $n" >&2
  if timeout "${BENCH_TIMEOUT:-900}" "$script" > "$OUT/$n-$STAMP.log" 2>&1; then
    tail -n 5 "$OUT/$n-$STAMP.log" >&2
  else
    echo "   failed (see $OUT/$n-$STAMP.log)" >&2
    status=1
  fi
done

python3 - "$OUT" "$STAMP" "$MARK" "${names[@]}" <<'PY'
import glob, json, os, platform, sys
out, stamp, mark, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
since = os.path.getmtime(mark)
results = {}
for n in names:
    files = [f for f in glob.glob(os.path.join(out, n + "-*.json")) if os.path.getmtime(f) >= since]
    if not files:
        results[n] = {"error": "no result written (see %s-%s.log)" % (n, stamp)}
        continue
    newest = max(files, key=os.path.getmtime)
    with open(newest) as f:
        results[n] = json.load(f)
doc = {"at": stamp, "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
       "results": results}
with open(os.path.join(out, stamp + ".json"), "w") as f:
    json.dump(doc, f, indent=2)

def flat(prefix, v, rows):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("samples_ms", "samples", "raw"):
                continue
            flat(prefix + "." + k if prefix else k, x, rows)
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        rows.append((prefix, v))
    elif isinstance(v, str) and prefix.endswith("error"):
        rows.append((prefix, v))

lines = ["| benchmark | figure | value |", "|---|---|---|"]
for n, r in results.items():
    rows = []
    flat("", r, rows)
    for k, v in rows:
        lines.append("| %s | %s | %s |" % (n, k, v))
with open(os.path.join(out, stamp + ".md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
print("\nwritten %s/%s.json and .md" % (out, stamp))
PY
rm -f "$MARK"
exit $status
