#!/usr/bin/env python3
"""The server's CPU cost per request at several rates (the utilization law, D = U / X).

For each rate, runs `capsim load` (Poisson arrivals, pinned to core 0) against a route of
`capsim serve` and reads `process_cpu_seconds_total` and the route's request count from the
server's /metrics before and after. Prints the cost per request, the server's utilization and
the server's own split of the latency (Server-Timing). This is the sweep that showed the cost
falling with load (BENCHMARKS.md, calibrate).

usage: Benchmarks/cost-per-request.py BASE_URL PATH DURATION RATE...
  e.g. Benchmarks/cost-per-request.py http://127.0.0.1:8091 '/marketplace/products?q=coffee' 30s 36 60 72 108
"""
import json, re, subprocess, sys, time, urllib.request

CAPSIM = ".build/release/capsim"

def metrics(base, route):
    page = urllib.request.urlopen(base + "/metrics").read().decode()
    cpu = float(re.search(r"\nprocess_cpu_seconds_total (\S+)", page).group(1))
    n = sum(int(m) for m in re.findall(r'http_requests_total\{route="%s",status="\d+"\} (\d+)' % re.escape(route), page))
    return cpu, n, time.time()

def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    base, path, duration, rates = sys.argv[1], sys.argv[2], sys.argv[3], [float(r) for r in sys.argv[4:]]
    route = "GET " + path.split("?")[0]
    for rate in rates:
        c0, n0, t0 = metrics(base, route)
        out = subprocess.run(["taskset", "-c", "0", CAPSIM, "load", base + path, "--rate", f"{rate}/s", "--duration", duration,
                              "--arrivals", "poisson", "--connections", "64", "--format", "json", "--no-store"],
                             capture_output=True, text=True, check=True).stdout
        c1, n1, t1 = metrics(base, route)
        r = json.loads(out)
        server = r.get("serverTime") or {"app": {"mean": float("nan")}, "queue": {"mean": float("nan")}}
        print(f"rate {rate:7.1f}/s  achieved {r['achievedRate']:7.1f}/s  cost {1000 * (c1 - c0) / max(1, n1 - n0):7.3f} ms/request  "
              f"utilization {(c1 - c0) / (t1 - t0):5.3f}  handler {server['app']['mean']:7.3f} ms  waiting {server['queue']['mean']:7.2f} ms  "
              f"p50 {r['latency']['p50']:7.2f} ms  p99 {r['latency']['p99']:7.2f} ms", flush=True)

if __name__ == "__main__":
    main()
