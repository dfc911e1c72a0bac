#!/usr/bin/env bash
# Webhook ingest benchmark: signed GitHub push webhooks at 50 requests/s for SECONDS (default 60)
# against an in-process node with a registered remote project; a new code commit lands upstream
# every 5 s. Prints p50/p99 ack time, the 5xx count and builds per commit. Stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
mvn -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dit.test=WebhookLoadIT -Dbench.webhook-seconds="$SECONDS_TO_RUN" 2>&1 | grep -E "BENCH|Tests run:|FAIL" || true
line=$(grep -ho "BENCH webhooks:[^<]*" target/failsafe-reports/TEST-io.jtau.app.WebhookLoadIT.xml 2>/dev/null | head -1)
[ -n "$line" ] || { echo "WebhookLoadIT printed no figures" >&2; exit 1; }
echo "$line"
python3 - "$line" "$SECONDS_TO_RUN" <<'PY'
import re, subprocess, sys
line, seconds = sys.argv[1], sys.argv[2]
def num(pattern):
    m = re.search(pattern, line)
    return m.group(1) if m else "nan"
subprocess.run(["python3", "bench/emit.py", "webhooks", "seconds=" + seconds,
    "requests=" + num(r"(\d+) signed requests"), "ack_p50_ms=" + num(r"p50 ([\d.]+) ms"),
    "ack_p99_ms=" + num(r"p99 ([\d.]+) ms"), "ack_max_ms=" + num(r"max ([\d.]+) ms"),
    "http_5xx=" + num(r"5xx (\d+)"), "commits=" + num(r"commits (\d+)"),
    "builds=" + num(r"builds (\d+)"), "builds_per_commit=" + num(r"\(([\d.]+) per commit\)")],
    check=True)
PY
