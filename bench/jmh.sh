#!/usr/bin/env bash
# In-process figures measured with JMH (sources in src/jmh/java, compiled here against the
# project's classes and test classes, never by `mvn verify`): config compile of a 1,000-function
# project, hello-world per-request overhead, content store put/get, and any other benchmark in
# src/jmh. Usage: bench/jmh.sh [REGEX...] (JMH include patterns; default: all). Extra JMH options
# go in JMH_OPTS (e.g. JMH_OPTS="-wi 1 -i 2" for a quick look). Without patterns it leaves out
# ReconcileBenchmark, which bench/reconcile.sh runs with its per-step breakdown.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -d target/test-classes ] || mvn -B -q -o test-compile
mvn -B -q -o -Pjmh dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null 2>&1 \
  || mvn -B -q -Pjmh dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null
CP="target/classes:target/test-classes:$(cat target/jmh-classpath.txt)"
rm -rf target/jmh-classes && mkdir -p target/jmh-classes
javac --release 17 -nowarn -cp "$CP" -d target/jmh-classes $(find src/jmh/java -name '*.java')
OUT=target/jmh-result.json
# shellcheck disable=SC2086
if [ $# -eq 0 ]; then set -- -e ReconcileBenchmark; fi
java -cp "target/jmh-classes:$CP" org.openjdk.jmh.Main -rf json -rff "$OUT" \
  -jvmArgs "--add-opens java.base/sun.nio.ch=ALL-UNNAMED -Xss4m" ${JMH_OPTS:-} "$@"
python3 - "$OUT" <<'PY'
import json, subprocess, sys
rows = json.load(open(sys.argv[1]))
pairs = []
for r in rows:
    name = r["benchmark"].rsplit(".", 2)
    key = name[-2] + "." + name[-1]
    for p, v in sorted((r.get("params") or {}).items()):
        key += "." + p + "_" + v
    m = r["primaryMetric"]
    err = m["scoreError"] if isinstance(m["scoreError"], (int, float)) else float("nan")
    pairs += ["%s.score=%.4g" % (key, m["score"]), "%s.error=%.4g" % (key, err),
              "%s.unit=%s" % (key, m["scoreUnit"].replace("/", "_per_"))]
subprocess.run(["python3", "bench/emit.py", "jmh"] + pairs, check=True)
PY
