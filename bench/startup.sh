#!/usr/bin/env bash
# Node start-up time (process start until the sample function answers) and idle memory (RSS
# after the node has been idle for 10 s), over 3 fresh starts. Loopback only, bounded.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
exec python3 - "$ROOT" <<'PY'
import http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time
root = sys.argv[1]
HOST = "hello-r4zkwruy.g.dream.localhost"
starts, rss = [], []
for i in range(3):
    work = tempfile.mkdtemp(prefix="jtau-start-")
    data = os.path.join(work, "data")
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(root, "tau"), "dream", "--fresh", "--http-port", "0",
                          "--data-dir", data], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True,
                         env=dict(os.environ, TAU_SKIP_BUILD="1"))
    try:
        deadline = t0 + 180
        port = None
        while time.monotonic() < deadline:
            try:
                port = int(json.load(open(os.path.join(data, "dream.json")))["gatewayBase"].rsplit(":", 1)[1])
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/hello", headers={"Host": HOST})
                if c.getresponse().status == 200:
                    break
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.01)
        else:
            raise SystemExit("node did not serve within 180 s")
        starts.append((time.monotonic() - t0) * 1000)
        time.sleep(10)
        java = subprocess.run(["pgrep", "-f", "-s", str(os.getpgid(p.pid)), "java"],
                              capture_output=True, text=True).stdout.split()
        pid = java[0] if java else str(p.pid)
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss.append(int(line.split()[1]) / 1024.0)
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
res = {"benchmark": "startup", "runs": len(starts),
       "start_to_serving_ms": {"median": round(statistics.median(starts), 1),
                               "min": round(min(starts), 1), "max": round(max(starts), 1)},
       "idle_rss_mb": {"median": round(statistics.median(rss), 1) if rss else None},
       "note": "includes JVM start and the dream seeding + first build of the sample"}
os.makedirs(os.path.join(root, "bench", "results"), exist_ok=True)
out = os.path.join(root, "bench", "results", "startup-%s.json" % time.strftime("%Y%m%dT%H%M%S"))
json.dump(res, open(out, "w"), indent=2)
print(json.dumps(res))
PY
