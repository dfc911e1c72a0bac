"""Driver of bench/push-to-live.sh (stdlib only). Every loop is bounded in count and time."""
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = sys.argv[1]
PUSHES = int(sys.argv[2])
HOST = "hello-r4zkwruy.g.dream.localhost"
OLD = "Hello from jtau!\\n"
WAIT_LIVE_S = 30.0
IDLE_S = 0.3


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_TERMINAL_PROMPT="0")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def fetch(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/hello", headers={"Host": HOST})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_for(port, body):
    deadline = time.monotonic() + WAIT_LIVE_S
    while time.monotonic() < deadline:
        try:
            status, got = fetch(port)
            if status == 200 and got == body:
                return True
        except OSError:
            pass
        time.sleep(0.002)
    return False


def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def main():
    work = tempfile.mkdtemp(prefix="jtau-bench-")
    data = os.path.join(work, "data")
    log = open(os.path.join(work, "dream.log"), "w")
    proc = subprocess.Popen([os.path.join(ROOT, "tau"), "dream", "--fresh", "--http-port", "0",
                             "--data-dir", data], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        dream_json = os.path.join(data, "dream.json")
        deadline = time.monotonic() + 600
        while not os.path.exists(dream_json):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("tau dream did not become ready; see " + log.name)
            time.sleep(0.1)
        info = json.load(open(dream_json))
        port = int(info["gatewayBase"].rsplit(":", 1)[1])
        code = os.path.join(work, "code")
        hello = next(p for p in info["projects"] if p["name"] == "hello")
        # The Git server needs a token (basic auth, any user name): the dream's operator token.
        url = hello["codeRepo"].replace("://", "://bench:%s@" % info["operatorToken"], 1)
        git(work, "clone", "-q", url, code)
        wat = os.path.join(code, "functions", "hello", "main.wat")
        original = open(wat).read()
        if not wait_for(port, "Hello from jtau!\n"):
            raise SystemExit("the sample does not serve")
        push_ms, revert_ms = [], []
        for i in range(PUSHES):
            greeting = "Push %04d of 20!\\n" % i
            assert len(greeting) == len(OLD)
            with open(wat, "w") as f:
                f.write(original.replace(OLD, greeting))
            git(code, "commit", "-qam", "bench push %d" % i)
            # A person does not push twice within 200 ms: let the per-key rate limit (the least
            # time between two reconcile starts of a project branch, storm protection) lapse so
            # it is not what is measured.
            time.sleep(IDLE_S)
            t0 = time.monotonic()
            git(code, "push", "-q", "origin", "HEAD:main")
            if not wait_for(port, greeting.replace("\\n", "\n")):
                raise SystemExit("push %d never went live" % i)
            push_ms.append((time.monotonic() - t0) * 1000)
            git(code, "revert", "--no-edit", "HEAD")
            time.sleep(IDLE_S)
            t0 = time.monotonic()
            git(code, "push", "-q", "origin", "HEAD:main")
            if not wait_for(port, "Hello from jtau!\n"):
                raise SystemExit("revert %d never went live" % i)
            revert_ms.append((time.monotonic() - t0) * 1000)
        result = {
            "benchmark": "push-to-live",
            "pushes": PUSHES,
            "push_to_live_ms": {"p50": round(statistics.median(push_ms), 1),
                                "p95": round(pct(push_ms, 95), 1),
                                "min": round(min(push_ms), 1), "max": round(max(push_ms), 1)},
            "revert_to_live_ms": {"p50": round(statistics.median(revert_ms), 1),
                                  "p95": round(pct(revert_ms, 95), 1),
                                  "min": round(min(revert_ms), 1), "max": round(max(revert_ms), 1)},
            "samples_ms": {"push": [round(x, 1) for x in push_ms],
                           "revert": [round(x, 1) for x in revert_ms]},
            "machine": {"cpus": os.cpu_count()},
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        out = os.path.join(ROOT, "bench", "results",
                           "push-to-live-%s.json" % time.strftime("%Y%m%dT%H%M%S"))
        with open(out, "w") as f:
            json.dump(result, f, indent=2)
        print("push-to-live   p50 %7.1f ms   p95 %7.1f ms" % (result["push_to_live_ms"]["p50"],
                                                           result["push_to_live_ms"]["p95"]))
        print("revert-to-live p50 %7.1f ms   p95 %7.1f ms" % (result["revert_to_live_ms"]["p50"],
                                                           result["revert_to_live_ms"]["p95"]))
        print("written", out)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
