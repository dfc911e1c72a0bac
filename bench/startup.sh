#!/usr/bin/env bash
# Node start-up time (process start until the sample function answers) and idle memory (RSS
# after 10 s idle), median of 3 fresh starts of `./tau dream --fresh`; baselines measured the same
# way in the same run: the JDK's built-in HTTP server answering "hello" (the floor of any JVM
# server here) and, when installed, a Node.js http server. Loopback only, bounded.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
exec python3 - "$ROOT" <<'PY'
import http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time
root = sys.argv[1]
HOST = "hello-r4zkwruy.g.dream.localhost"
RUNS = 3

def free_port():
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    return port

def rss_mb(pgid, name):
    pids = subprocess.run(["pgrep", "-g", str(pgid), name], capture_output=True, text=True).stdout.split()
    total = 0.0
    for pid in pids or [str(pgid)]:
        try:
            with open("/proc/%s/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return total

def measure(label, start, port_of, path, host, proc_name):
    starts, rss = [], []
    for _ in range(RUNS):
        work = tempfile.mkdtemp(prefix="jtau-start-")
        t0 = time.monotonic()
        p = start(work)
        try:
            deadline = t0 + 180
            while time.monotonic() < deadline:
                if p.poll() is not None:
                    raise SystemExit("%s exited with %s" % (label, p.returncode))
                try:
                    port = port_of(work)
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", path, headers={"Host": host})
                    if c.getresponse().status == 200:
                        break
                except (OSError, ValueError, KeyError):
                    pass
                time.sleep(0.01)
            else:
                raise SystemExit("%s did not serve within 180 s" % label)
            starts.append((time.monotonic() - t0) * 1000)
            time.sleep(10)
            rss.append(rss_mb(p.pid, proc_name))
        finally:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
            shutil.rmtree(work, ignore_errors=True)
    res = {"start_to_serving_ms": {"median": round(statistics.median(starts), 1),
                                   "min": round(min(starts), 1), "max": round(max(starts), 1)},
           "idle_rss_mb": {"median": round(statistics.median(rss), 1)}}
    print(label, json.dumps(res), flush=True)
    return res

def spawn(cmd, env=None):
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=dict(os.environ, **(env or {})))

def dream_port(work):
    return int(json.load(open(os.path.join(work, "data", "dream.json")))["gatewayBase"].rsplit(":", 1)[1])

jtau = measure("jtau", lambda w: spawn([os.path.join(root, "tau"), "dream", "--fresh", "--http-port", "0",
                                        "--data-dir", os.path.join(w, "data")], {"TAU_SKIP_BUILD": "1"}),
               dream_port, "/hello", HOST, "java")

# Baseline 1: the JDK's own HTTP server, compiled once, same JVM as the node.
base_dir = tempfile.mkdtemp(prefix="jtau-base-")
with open(os.path.join(base_dir, "Hello.java"), "w") as f:
    f.write("""
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
public class Hello {
  public static void main(String[] a) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0])), 64);
    byte[] b = "Hello from jtau!".getBytes();
    s.createContext("/", x -> { x.sendResponseHeaders(200, b.length); x.getResponseBody().write(b); x.close(); });
    s.start();
  }
}
""")
subprocess.run(["javac", "-d", base_dir, os.path.join(base_dir, "Hello.java")], check=True)
ports = {}
def jdk_start(work):
    ports[work] = free_port()
    return spawn(["java", "-cp", base_dir, "Hello", str(ports[work])])
jdk = measure("jdk-httpserver", jdk_start, lambda w: ports[w], "/hello", "localhost", "java")

res = {"runs": RUNS, "jtau": jtau, "jdk_httpserver": jdk,
       "ratio": {"start": round(jtau["start_to_serving_ms"]["median"] / jdk["start_to_serving_ms"]["median"], 2),
                 "rss": round(jtau["idle_rss_mb"]["median"] / jdk["idle_rss_mb"]["median"], 2)},
       "note": "jtau includes JVM start, opening stores, seeding the three dream samples and their first build"}
if shutil.which("node"):
    script = os.path.join(base_dir, "hello.js")
    with open(script, "w") as f:
        f.write("require('http').createServer((q, r) => r.end('Hello from jtau!'))"
                ".listen(+process.argv[2], '127.0.0.1');\n")
    def node_start(work):
        ports[work] = free_port()
        return spawn(["node", script, str(ports[work])])
    res["node_http"] = measure("node-http", node_start, lambda w: ports[w], "/hello", "localhost", "node")
else:
    res["node_http"] = {"error": "node not installed"}
shutil.rmtree(base_dir, ignore_errors=True)
os.makedirs(os.path.join(root, "bench", "results"), exist_ok=True)
out = os.path.join(root, "bench", "results", "startup-%s.json" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
json.dump(res, open(out, "w"), indent=2)
print(json.dumps(res))
PY
