#!/usr/bin/env bash
# Push-to-live and revert-to-live latency of the sample function, end to end:
# starts `./tau dream` on a free port, clones the sample code repo with git, then N times:
# edit the WAT greeting, commit, and time from the start of `git push` to the first HTTP 200
# carrying the new body; then `git revert` + push and time until the old body is back. Each push
# starts 0.3 s after the previous change went live, past the node's per-branch rate limit (at
# most one reconcile start per 200 ms, `jtau.reconcile-min-interval-millis`), as a person's would.
# Prints p50/p95 and writes bench/results/push-to-live-<timestamp>.json.
# Usage: bench/push-to-live.sh [PUSHES]   (default 20)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
exec python3 "$ROOT/bench/push_to_live.py" "$ROOT" "${1:-20}"
