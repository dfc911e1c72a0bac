#!/usr/bin/env bash
# Reconcile of a 1,000-function project (JMH, src/jmh/java/io/jtau/reconcile/ReconcileBenchmark.java):
# no-op and one-function-change p50/p95 on a real JGit repository + Xodus registry, plus the mean
# time of each reconcile step of the change runs. Writes bench/results/reconcile-<stamp>.json
# through bench/emit.py. JMH comes from the `jmh` Maven profile (never used by `mvn verify`).
# Usage: bench/reconcile.sh   (JMH_OPTS adds JMH options, e.g. "-wi 1 -i 2" for a quick run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p target

echo "== compiling the node, its tests and the benchmark" >&2
mvn -B -q -o test-compile -Dspotless.check.skip=true >&2
mvn -B -q -o -Pjmh dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null 2>&1 \
  || mvn -B -q -Pjmh dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null
CP="target/classes:target/test-classes:$(cat target/jmh-classpath.txt)"
rm -rf target/jmh-reconcile-classes && mkdir -p target/jmh-reconcile-classes
javac --release 17 -nowarn -cp "$CP" -d target/jmh-reconcile-classes \
  src/jmh/java/io/jtau/reconcile/ReconcileBenchmark.java >&2

LOAD=$(cut -d' ' -f1 /proc/loadavg)
echo "== running ReconcileBenchmark (load average $LOAD)" >&2
# shellcheck disable=SC2086
java -cp "target/jmh-reconcile-classes:$CP" org.openjdk.jmh.Main \
  'io.jtau.reconcile.ReconcileBenchmark' -rf json -rff target/reconcile-jmh.json ${JMH_OPTS:-} \
  | tee target/reconcile-jmh.log

python3 - target/reconcile-jmh.json target/reconcile-jmh.log "$LOAD" <<'PY'
import json, subprocess, sys
jmh, log, load = sys.argv[1:4]
pairs = ["functions=1000", "load_average=" + load]
for r in json.load(open(jmh)):
    name = r["benchmark"].rsplit(".", 1)[1]
    m = r["primaryMetric"]
    p = m["scorePercentiles"]
    unit = m["scoreUnit"].split("/")[0]
    samples = sum(c for fork in m.get("rawDataHistogram", []) for it in fork for _, c in it)
    pairs += ["%s.p50_%s=%.4g" % (name, unit, p["50.0"]), "%s.p95_%s=%.4g" % (name, unit, p["95.0"]),
              "%s.max_%s=%.4g" % (name, unit, p["100.0"]), "%s.samples=%d" % (name, samples)]
steps = [l[l.index("STEPS"):] for l in open(log) if "STEPS" in l]
if steps:
    for kv in steps[-1].split(":", 1)[1].split():
        k, v = kv.split("=")
        pairs.append("oneFunctionChange.steps_ms.%s=%s" % (k, v))
subprocess.run(["python3", "bench/emit.py", "reconcile"] + pairs, check=True)
PY
