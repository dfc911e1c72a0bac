#!/usr/bin/env bash
# Webhook ingest benchmark: signed GitHub push webhooks at 50 requests/s for SECONDS (default 60)
# against an in-process node with a registered remote project; a new code commit lands upstream
# every 5 s. Prints p50/p99 ack time, the 5xx count and builds per commit. Stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
mvn -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dit.test=WebhookLoadIT -Dbench.webhook-seconds="$SECONDS_TO_RUN" 2>&1 | grep -E "BENCH|Tests run:|FAIL" || true
grep -ho "BENCH webhooks:[^<]*" target/failsafe-reports/TEST-io.jtau.app.WebhookLoadIT.xml 2>/dev/null | head -1
