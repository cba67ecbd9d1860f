#!/usr/bin/env python3
"""Writes one calibration's accuracy table into BENCHMARKS.md, between
<!-- calibration:NAME --> and <!-- /calibration:NAME -->, from `capsim calibrate --format json`.

    scripts/calibration-table.py NAME FILE.json "COMMAND AS RUN"

The block names the machine (CPU model, cores), the UTC time, the commit and the command, so a
table is never a claim carried over from another machine."""
import json
import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def pct(x):
    return f"{x * 100:+.1f} %"


def ms(x):
    return f"{x * 1000:.3f} ms" if x < 0.01 else f"{x * 1000:.2f} ms"


def noise(row, metric):
    n = row.get("noise", {}).get(metric)
    return f" ±{n * 100:.0f} %" if n is not None else ""


def block(name, report, command):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    s = report["saturation"]
    model = report["model"]
    lines = [
        f"Measured {when} on {machine()}, commit {commit}, by `scripts/calibration-benchmark.sh {name}`:",
        "",
        "```",
        command,
        "```",
        "",
        f"Saturation {s['saturation']:.1f} req/s: kept up at {s['low']:.1f}/s, not at {s['high']:.1f}/s "
        f"({len(s['steps'])} runs)."
        + (f" The server's CPU says {report['cpuSaturation']:.1f}/s ({(s['saturation'] - report['cpuSaturation']) / report['cpuSaturation'] * 100:+.1f} %)."
           if report.get("cpuSaturation") else ""),
    ]
    law = model.get("costLaw")
    if law:
        lo = law["intercept"] + law["slope"] * law["minRate"]
        hi = law["intercept"] + law["slope"] * law["maxRate"]
        lines.append(f"Cost per request (server CPU, a line over {len(law['points'])} runs): {ms(lo)} at {law['minRate']:.1f}/s, "
                     f"{ms(hi)} at {law['maxRate']:.1f}/s.")
    lines += ["",
              "| level | req/s | p50 measured | error | p90 measured | error | p99 measured | error | throughput | error | targets |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["accuracy"]["rows"]:
        m, e = r["measured"], r["errors"]
        met = abs(e["p50"]) <= 0.10 and abs(e["p99"]) <= 0.20
        lines.append(f"| {r['level'] * 100:.0f} % | {m['rate']:.0f} | {ms(m['p50'])}{noise(r, 'p50')} | {pct(e['p50'])} | "
                     f"{ms(m['p90'])}{noise(r, 'p90')} | {pct(e['p90'])} | {ms(m['p99'])}{noise(r, 'p99')} | {pct(e['p99'])} | "
                     f"{m['throughput']:.1f}/s{noise(r, 'throughput')} | {pct(e['throughput'])} | {'met' if met else 'missed'} |")
    rows = report["accuracy"]["rows"]
    per = []
    for metric in ["p50", "p90", "p99", "throughput"]:
        errs = [abs(r["errors"][metric]) for r in rows]
        per.append(f"{metric} {sum(errs) / len(errs) * 100:.1f} %")
    mae = report.get("meanAbsoluteError")
    lines += ["", f"Mean absolute error: {', '.join(per)}; **{mae * 100:.1f} %** over {len(rows)} levels × 4 metrics."
              if mae is not None else ""]
    return "\n".join(lines).rstrip() + "\n"


def main():
    name, path, command = sys.argv[1], sys.argv[2], sys.argv[3]
    report = json.load(open(path))
    text = open("BENCHMARKS.md").read()
    start, end = f"<!-- calibration:{name} -->", f"<!-- /calibration:{name} -->"
    new = f"{start}\n{block(name, report, command)}{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: new, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + new + "\n"
    open("BENCHMARKS.md", "w").write(text)
    print(f"calibration-table: wrote the {name} table into BENCHMARKS.md")
    readme_summary(name, report)


def readme_summary(name, report):
    """One line per route in README.md's <!-- calibration:summary --> block, when it has one."""
    text = open("README.md").read()
    start, end = "<!-- calibration:summary -->", "<!-- /calibration:summary -->"
    if start not in text:
        return
    inner = text.split(start, 1)[1].split(end, 1)[0]
    lines = [l for l in inner.strip().splitlines() if l.strip() and not l.startswith(f"- {name}:")]
    rows = report["accuracy"]["rows"]
    def mae(metric):
        return sum(abs(r["errors"][metric]) for r in rows) / len(rows) * 100
    levels = ", ".join(f"{r['level'] * 100:.0f}" for r in rows)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines.append(f"- {name}: mean absolute error {report['meanAbsoluteError'] * 100:.1f} % (p50 {mae('p50'):.1f} %, p99 {mae('p99'):.1f} %, "
                 f"throughput {mae('throughput'):.1f} %) at {levels} % of saturation, measured {when} on {machine()}")
    lines.sort()
    new = start + "\n" + "\n".join(lines) + "\n" + end
    text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: new, text, flags=re.S)
    open("README.md", "w").write(text)
    print(f"calibration-table: wrote the {name} line into README.md")


if __name__ == "__main__":
    main()
