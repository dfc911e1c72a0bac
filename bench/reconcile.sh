#!/usr/bin/env bash
# Reconcile of a 1,000-function project (JMH, src/jmh/java/io/jtau/reconcile/ReconcileBenchmark.java):
# no-op and one-function-change p50/p95 on a real JGit repository + Xodus registry, plus the mean
# time of each reconcile step of the change runs. Writes bench/results/reconcile-<stamp>.json.
# JMH is not a project dependency: its jars are fetched into the local Maven repository with
# `mvn dependency:get` (Maven Central) and the benchmark is compiled here with javac.
# Usage: bench/reconcile.sh   (BENCH_JMH_ARGS adds JMH options, e.g. "-i 2 -wi 1" for a quick run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/results"
mkdir -p "$OUT" target
JMH=1.37
M2=${M2_REPO:-$HOME/.m2/repository}
for a in jmh-core jmh-generator-annprocess; do
  [ -f "$M2/org/openjdk/jmh/$a/$JMH/$a-$JMH.jar" ] \
    || mvn -B -q dependency:get -Dartifact=org.openjdk.jmh:$a:$JMH >&2
done
JMHCP="$M2/org/openjdk/jmh/jmh-core/$JMH/jmh-core-$JMH.jar"
JMHCP="$JMHCP:$M2/org/openjdk/jmh/jmh-generator-annprocess/$JMH/jmh-generator-annprocess-$JMH.jar"
JMHCP="$JMHCP:$M2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar"
JMHCP="$JMHCP:$M2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"

echo "== compiling the node, its tests and the benchmark" >&2
mvn -B -q -o test-compile -Dspotless.check.skip=true >&2
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
rm -rf target/jmh-classes && mkdir -p target/jmh-classes
javac -d target/jmh-classes -cp "$CP:$JMHCP" -processorpath "$JMHCP" \
  src/jmh/java/io/jtau/reconcile/ReconcileBenchmark.java >&2

echo "== running ReconcileBenchmark (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
# shellcheck disable=SC2086
java -cp "target/jmh-classes:$CP:$JMHCP" org.openjdk.jmh.Main ReconcileBenchmark \
  -rf json -rff target/reconcile-jmh.json ${BENCH_JMH_ARGS:-} | tee target/reconcile-jmh.log

python3 - "$OUT/reconcile-$STAMP.json" target/reconcile-jmh.json target/reconcile-jmh.log <<'PY'
import json, os, sys
out, jmh, log = sys.argv[1:4]
runs = json.load(open(jmh))
result = {"functions": 1000, "load_average": open("/proc/loadavg").read().split()[:3]}
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    m = r["primaryMetric"]
    p = m["scorePercentiles"]
    result[name] = {"unit": m["scoreUnit"], "p50": p["50.0"], "p95": p["95.0"],
                    "max": p["100.0"], "mean": m["score"],
                    "samples": sum(c for fork in m.get("rawDataHistogram", []) for it in fork for _, c in it)}
steps = [l[l.index("STEPS"):] for l in open(log) if "STEPS" in l]
if steps:
    result["oneFunctionChange_steps_ms"] = {
        k: float(v) for k, v in (x.split("=") for x in steps[-1].split(":", 1)[1].split())}
json.dump(result, open(out, "w"), indent=2)
print(json.dumps(result, indent=2))
PY
