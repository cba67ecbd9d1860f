#!/usr/bin/env python3
"""Regenerate, or check, every command-output block in README.md and docs/*.md from real runs.

    python3 scripts/docs.py                  # run every marked block, rewrite what changed
    python3 scripts/docs.py --check          # CI: run them, exit 1 with a diff if a block is stale
    python3 scripts/docs.py --only docs/plan.md --capsim /path/to/capsim

Python 3.11, standard library only.

MARKERS
-------
An output block is a ```console fence directly preceded by one or more marker lines:

    <!-- run: capsim validate scenarios/stan-store-et.yaml -->
    ```console
    $ capsim validate scenarios/stan-store-et.yaml
    scenarios/stan-store-et.yaml: ok: ...
    ```

The block's text is generated: for each command, "$ COMMAND", then what the command printed,
stdout and stderr interleaved as a terminal shows them (2>&1). Options go between "run" and
the colon: <!-- run exit mask='p99 [0-9.]+ms' skip-ci="needs a live server": COMMAND -->.

  * Several marker lines before one fence run in order, in one bash session, so shell
    variables (TOKEN=$(...)) carry over. "A && B" in one marker shows A and B as two
    commands; B is not run when A fails.
  * "capsim" anywhere in a command is the binary given with --capsim (default:
    .build/release/capsim, else .build/debug/capsim): a directory holding a `capsim` link to
    it comes first on PATH. The block shows `capsim`.
  * Each document gets a fresh temporary directory T. CAPSIM_DB=T/capsim.sqlite, so run ids
    start at 1 in every document and follow its blocks in order. The literal path
    /tmp/capsim-docs in a command means T (and T in the output is shown as /tmp/capsim-docs),
    for files a command writes that must not land in the repository. Commands run in the
    repository root with stdin from /dev/null.
  * A command ending in " &" starts in the background (e.g. `capsim serve ... &`): the
    script waits until its output matches the marker's `ready=REGEX` (default: the
    READY_DEFAULT below; at most 20 s), shows what it printed so far, runs the block's
    other commands, then stops it with SIGTERM at the end of the block (SIGKILL after 10 s).
    What it prints after it is ready is not shown.

Marker options:
  exit            show "$ echo $?" and the exit status after the marker's last command. A
                  command that exits non-zero in a marker without `exit` is an error.
  mask=REGEX      extra text to mask in --check (matches are replaced by a placeholder in
                  both the committed and the fresh text before they are compared).
  measured        every number of the marker's output is a measurement (load, calibrate,
                  bench): all numbers are masked and runs of spaces and dashes collapse
                  (column widths follow the numbers), so only the structure must match.
  port=N          the command uses TCP port N (e.g. `serve --port 8089`, `curl
                  localhost:8089`): the script runs it on a free port instead and shows N
                  (":P" and "port P" in any later output of the document show as N too).
  ready=REGEX     for a background command: the output line that says it is ready.
  timeout=SECONDS for the whole block (default 900).
  skip-ci=REASON  not run by --check (too slow, needs a quiet machine or a real server),
                  nor by a plain regeneration unless --include-skip-ci is given; the script
                  lists every skipped block with its reason.

A ```console fence with no marker is an error in --check: every output shown must be
generated. (Use ```text for hand-written illustrations that are not command output.)

CHECK
-----
--check runs every block (except skip-ci) and compares its text with the committed text
after masking timing: DEFAULT_MASKS below, plus the marker's own. On a mismatch it prints a
unified diff (committed against fresh, matched line by line on the masked text) and exits 1.
A plain run rewrites only the blocks whose masked text differs (so timings alone cause no
churn); --force rewrites every block that ran.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Text that changes from run to run although nothing is wrong: wall-clock measurements and
# the time of day. Each match is replaced by the placeholder before comparing in --check.
# Keep them narrow: a mask hides a real change too.
DEFAULT_MASKS: list[tuple[str, str]] = [
    # ISO 8601 timestamps in UTC ("created (UTC)" in runs list, runs show): the time of the run.
    ("timestamp", r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"),
    # swift-log's timestamps ("2026-12-05T00:32:49+0000 info capsim: ..." from serve's HTTP server).
    ("log time", r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\b"),
    # HTTP Date headers ("Sat, 05 Dec 2026 00:32:49 GMT").
    ("http date", r"\b[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\b"),
    # Server-Timing durations ("queue;dur=0.003, app;dur=1.386"): the server's own wall time.
    ("server timing", r"\bdur=\d+(?:\.\d+)?"),
    # "in 0.58 s", "in 83.2 s": how long something took (serve's catalogue generation).
    ("took", r"\bin \d+(?:\.\d+)? ?s\b"),
    # "46.2 s wall", "12 ms wall".
    ("wall", r"\b\d+(?:\.\d+)? ?(?:s|ms|µs|us) wall\b"),
    # "7.18M events/s", "5.6M customers/s", "3.36M station visits/s": engine throughput.
    ("rate", r"\b\d+(?:\.\d+)?[kMG]? (?:events|customers|station visits)/s\b"),
    # "peak RSS 59 MB".
    ("rss", r"\bpeak RSS \d+(?:\.\d+)? ?[kMG]?B\b"),
]
PLACEHOLDER = "⟨…⟩"
# The line a background command prints once it serves requests (capsim serve's).
READY_DEFAULT = r"^serve: listening on "
DISPLAY_TMP = "/tmp/capsim-docs"
BLOCK_TIMEOUT = 900.0

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!--\s*run(?P<opts>(?:\s+[a-z][a-z-]*(?:=(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s:'\"]+))?)*)\s*:\s(?P<cmd>.*?)\s*-->\s*$")
OPTION = re.compile(r"([a-z][a-z-]*)(?:=(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([^\s:'\"]+)))?")
KNOWN_OPTIONS = {"exit", "mask", "measured", "port", "ready", "timeout", "skip-ci"}
NUMBER = re.compile(r"[+\-−]?\d+(?:[.,]\d+)*")
SEP = "\x1e"  # separates the commands' outputs in the session's stream


class UsageError(Exception):
    pass


@dataclass
class Marker:
    line: int                      # 1-based line number in the document
    commands: list[str]            # split on " && "
    options: dict[str, list[str]]  # option name -> values ("" for a flag)

    def flag(self, name: str) -> bool:
        return name in self.options

    def value(self, name: str) -> str | None:
        v = self.options.get(name)
        return v[-1] if v else None


@dataclass
class Block:
    path: Path
    markers: list[Marker]
    start: int  # index of the ```console line in the document's lines
    end: int    # index of the closing ``` line
    committed: list[str]

    @property
    def line(self) -> int:
        return self.markers[0].line

    @property
    def skip_reason(self) -> str | None:
        for m in self.markers:
            if m.flag("skip-ci"):
                return m.value("skip-ci") or "no reason given"
        return None

    def title(self) -> str:
        text = "; ".join(c for m in self.markers for c in m.commands)
        return text if len(text) <= 150 else text[:147] + "..."


@dataclass
class Segment:
    """One command as shown: its "$ command" line, its output, maybe "$ echo $?" and the code."""
    lines: list[str]
    masks: list[re.Pattern]
    measured: bool


@dataclass
class Outcome:
    segments: list[Segment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def split_and(command: str) -> list[str]:
    """Splits on " && " outside quotes."""
    parts, cur, quote, i = [], [], None, 0
    while i < len(command):
        c = command[i]
        if quote:
            if c == "\\" and quote == '"' and i + 1 < len(command):
                cur.append(command[i:i + 2]); i += 2; continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif command.startswith(" && ", i):
            parts.append("".join(cur).strip()); cur = []; i += 4; continue
        cur.append(c); i += 1
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def parse_marker(text: str, line: int, path: Path) -> Marker | None:
    m = MARKER.match(text)
    if not m:
        if re.match(r"^<!--\s*run\b", text):
            raise UsageError(f"{path}:{line}: malformed marker (expected <!-- run OPTIONS: COMMAND -->): {text}")
        return None
    options: dict[str, list[str]] = {}
    for o in OPTION.finditer(m.group("opts")):
        name = o.group(1)
        if name not in KNOWN_OPTIONS:
            raise UsageError(f"{path}:{line}: unknown marker option {name!r} (known: {', '.join(sorted(KNOWN_OPTIONS))})")
        value = o.group(2) if o.group(2) is not None else o.group(3) if o.group(3) is not None else o.group(4) or ""
        if o.group(2) is not None:
            value = re.sub(r"\\(.)", r"\1", value)
        options.setdefault(name, []).append(value)
    for regex in options.get("mask", []) + options.get("ready", []):
        try:
            re.compile(regex)
        except re.error as e:
            raise UsageError(f"{path}:{line}: bad regex {regex!r}: {e}")
    for p in options.get("port", []):
        if not p.isdigit():
            raise UsageError(f"{path}:{line}: port= expects a number, got {p!r}")
    commands = split_and(m.group("cmd"))
    if not commands:
        raise UsageError(f"{path}:{line}: marker without a command")
    return Marker(line, commands, options)


def parse_document(path: Path) -> tuple[list[str], list[Block], list[int]]:
    """The document's lines, its marked blocks, and the line numbers of unmarked console fences."""
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks, unmarked, pending = [], [], []
    i = 0
    in_fence = None
    while i < len(lines):
        text = lines[i]
        if in_fence is not None:
            if text.strip() == in_fence:
                in_fence = None
            i += 1
            continue
        marker = parse_marker(text, i + 1, path)
        if marker:
            pending.append(marker)
            i += 1
            continue
        if pending and text.strip() != "```console":
            raise UsageError(f"{path}:{pending[0].line}: a run marker must be followed directly by a ```console fence")
        fence = re.match(r"^(`{3,}|~{3,})\s*(\S*)", text)
        if fence:
            if fence.group(2) == "console":
                end = i + 1
                while end < len(lines) and lines[end].strip() != fence.group(1):
                    end += 1
                if end == len(lines):
                    raise UsageError(f"{path}:{i + 1}: unclosed ```console fence")
                if pending:
                    blocks.append(Block(path, pending, i, end, lines[i + 1:end]))
                else:
                    unmarked.append(i + 1)
                pending = []
                i = end + 1
                continue
            in_fence = fence.group(1)
        i += 1
    if pending:
        raise UsageError(f"{path}:{pending[0].line}: a run marker at the end of the document")
    return lines, blocks, unmarked


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bash_quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


class Session:
    """The temporary directory, database and PATH of one document."""

    def __init__(self, capsim: Path, keep: bool):
        self.dir = Path(tempfile.mkdtemp(prefix="capsim-docs-")).resolve()
        self.keep = keep
        (self.dir / "bin").mkdir()
        (self.dir / "bin" / "capsim").symlink_to(capsim)
        self.env = dict(os.environ)
        self.env.update({
            "PATH": f"{self.dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "CAPSIM_DB": str(self.dir / "capsim.sqlite"),
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
        })
        self.env.pop("CAPSIM_TOKEN_SECRET", None)
        self.ports: dict[str, int] = {}  # port shown -> port used

    def close(self):
        if self.keep:
            print(f"  kept {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def run_block(block: Block, session: Session) -> Outcome:
    outcome = Outcome()
    ports = session.ports  # per document, so a later block (runs list) shows the same port
    for m in block.markers:
        for p in m.options.get("port", []):
            ports.setdefault(p, free_port())

    def to_real(cmd: str) -> str:
        cmd = cmd.replace(DISPLAY_TMP, str(session.dir))
        for shown, real in ports.items():
            cmd = re.sub(rf"(?<!\d){shown}(?!\d)", str(real), cmd)
        return cmd

    def to_shown(text: str) -> str:
        text = text.replace(str(session.dir), DISPLAY_TMP)
        for shown, real in ports.items():
            text = re.sub(rf"(?<=:){real}(?!\d)|(?<=port ){real}(?!\d)", shown, text)
        return text

    script = ["exec </dev/null 2>&1", f"cd {bash_quote(str(ROOT))}", "__bg=()",
              f"__end() {{ printf '\\n{SEP}END %s %s{SEP}\\n' \"$1\" \"$2\"; }}"]
    index: list[tuple[Marker, int, str]] = []  # (marker, position in marker, command)
    for m in block.markers:
        script.append("__skip=0")
        for pos, cmd in enumerate(m.commands):
            n = len(index)
            index.append((m, pos, cmd))
            real = to_real(cmd)
            script.append("if [ $__skip -eq 0 ]; then")
            script.append(f"printf '{SEP}BEGIN {n}{SEP}\\n'")
            if real.rstrip().endswith("&") and not real.rstrip().endswith("&&"):
                log = session.dir / f"background-{block.line}-{n}.log"
                ready = m.value("ready") or READY_DEFAULT
                script += [
                    f": >{bash_quote(str(log))}",  # exists before the poll below reads it
                    "{",
                    f"{real.rstrip()[:-1].rstrip()} >{bash_quote(str(log))} 2>&1 &",
                    "}",
                    "__pid=$!; __bg+=($__pid)",
                    f"for __i in $(seq 1 400); do grep -Eq {bash_quote(ready)} {bash_quote(str(log))} && break; "
                    "kill -0 $__pid 2>/dev/null || break; sleep 0.05; done",
                    f"cat {bash_quote(str(log))}",
                    f"if grep -Eq {bash_quote(ready)} {bash_quote(str(log))}; then __end {n} 0; else __end {n} 1; __skip=1; fi",
                ]
            else:
                script += ["{", real, "}", "__rc=$?", f"__end {n} $__rc", "[ $__rc -eq 0 ] || __skip=1"]
            script.append("fi")
    script += [
        'for __p in "${__bg[@]}"; do',
        '  kill -TERM $__p 2>/dev/null',
        '  for __i in $(seq 1 100); do kill -0 $__p 2>/dev/null || break; sleep 0.1; done',
        '  kill -KILL $__p 2>/dev/null; wait $__p 2>/dev/null',
        'done',
    ]
    timeout = BLOCK_TIMEOUT
    for m in block.markers:
        if m.value("timeout"):
            timeout = float(m.value("timeout"))
    started = time.monotonic()
    proc = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", "\n".join(script)], cwd=ROOT, env=session.env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        raw, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the block's own process group
        raw, _ = proc.communicate()
        outcome.errors.append(f"timed out after {timeout:.0f} s")
    outcome.seconds = time.monotonic() - started
    try:  # anything of this block's still running (a background command's children): its own process group
        os.killpg(proc.pid, signal.SIGTERM)
        time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    text = to_shown(raw.decode("utf-8", errors="replace"))

    found = {}
    for match in re.finditer(rf"{SEP}BEGIN (\d+){SEP}\n(.*?)\n{SEP}END \1 (\d+){SEP}\n", text, re.S):
        found[int(match.group(1))] = (match.group(2), int(match.group(3)))
    last_run_of: dict[int, int] = {}  # id(marker) -> the index of its last command that ran
    for n, (m, _, _) in enumerate(index):
        if n in found:
            last_run_of[id(m)] = n
    for n, (m, pos, cmd) in enumerate(index):
        if n not in found:
            continue
        output, rc = found[n]
        lines = [f"$ {cmd}"] + ([l.rstrip() for l in output.split("\n")] if output else [])
        if output.endswith("\n"):  # the END marker's leading newline came after a complete line
            lines.pop()
        last_run = last_run_of[id(m)] == n
        background = cmd.rstrip().endswith("&") and not cmd.rstrip().endswith("&&")
        if background and rc != 0:
            outcome.errors.append(f"`{cmd}` did not print a line matching {m.value('ready') or READY_DEFAULT!r} within 20 s")
        elif rc != 0 and not m.flag("exit"):
            outcome.errors.append(f"`{cmd}` exited {rc} (add the marker option `exit` if that is the point)")
        if m.flag("exit") and last_run:
            lines += ["$ echo $?", str(rc)]
        masks = [re.compile(r) for r in m.options.get("mask", [])]
        outcome.segments.append(Segment(lines, masks, m.flag("measured")))
    if len(found) < len(index) and not outcome.errors:
        outcome.errors.append("the session ended before every command ran")
    return outcome


DEFAULT_PATTERNS = [re.compile(r) for _, r in DEFAULT_MASKS]


def mask(line: str, seg: Segment | None) -> str:
    for p in DEFAULT_PATTERNS + (seg.masks if seg else []):
        line = p.sub(PLACEHOLDER, line)
    if seg and seg.measured:
        line = NUMBER.sub("#", line)
        line = re.sub(r" {2,}", " ", line)
        line = re.sub(r"-{2,}", "--", line)
        line = line.strip()
    return line


def masked_lines(lines: list[str], segments: list[Segment]) -> list[str]:
    """Masks committed or fresh lines, each with the options of the command it belongs to."""
    out, k, seg = [], 0, None
    for line in lines:
        if k < len(segments) and line == segments[k].lines[0]:
            seg = segments[k]
            k += 1
        out.append(mask(line, seg))
    return out


def render_diff(old: list[str], new: list[str], old_m: list[str], new_m: list[str], name: str) -> str:
    out = [f"--- {name} (committed)", f"+++ {name} (fresh run)"]
    matcher = difflib.SequenceMatcher(None, old_m, new_m, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        a0, a1, b0, b1 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{a0 + 1},{a1 - a0} +{b0 + 1},{b1 - b0} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + l for l in new[j1:j2]]
            else:
                out += ["-" + l for l in old[i1:i2]] + ["+" + l for l in new[j1:j2]]
    return "\n".join(out)


def find_capsim(given: str | None) -> Path:
    candidates = [Path(given)] if given else [ROOT / ".build/release/capsim", ROOT / ".build/debug/capsim"]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c.resolve()
    raise UsageError(f"no capsim binary at {' or '.join(str(c) for c in candidates)}: "
                     "build one (swift build -c release) or pass --capsim PATH")


def documents(only: list[str] | None) -> list[Path]:
    if only:
        paths = []
        for o in only:
            p = (Path.cwd() / o).resolve()
            if not p.is_file():
                raise UsageError(f"--only {o}: no such file")
            paths.append(p)
        return paths
    return [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def main() -> int:
    ap = argparse.ArgumentParser(description="Regenerate or check the command-output blocks of README.md and docs/*.md.",
                                 epilog="The marker syntax and options are described at the top of this script.")
    ap.add_argument("--check", action="store_true", help="compare instead of rewriting; exit 1 with a diff when a block is stale")
    ap.add_argument("--capsim", metavar="PATH", help="the capsim binary (default: .build/release/capsim, else .build/debug/capsim)")
    ap.add_argument("--only", metavar="FILE", action="append", help="only this document (repeatable)")
    ap.add_argument("--include-skip-ci", action="store_true", help="also run the skip-ci blocks (slow; want a quiet machine)")
    ap.add_argument("--force", action="store_true", help="rewrite every block that ran, even when only masked text changed")
    ap.add_argument("--keep-tmp", action="store_true", help="keep each document's temporary directory")
    args = ap.parse_args()

    try:
        capsim = find_capsim(args.capsim)
        docs = documents(args.only)
        parsed = [(p, *parse_document(p)) for p in docs]
    except UsageError as e:
        print(f"docs.py: error: {e}", file=sys.stderr)
        return 2

    rel = lambda p: os.path.relpath(p, ROOT)
    print(f"capsim: {capsim}", file=sys.stderr)
    total_start = time.monotonic()
    failures, skipped, ran, changed = [], [], 0, []
    for path, lines, blocks, unmarked in parsed:
        for u in unmarked:
            msg = f"{rel(path)}:{u}: a ```console block without a <!-- run: ... --> marker (its output would not be generated)"
            (failures if args.check else skipped).append(msg)
            print(("FAIL  " if args.check else "note  ") + msg, file=sys.stderr)
        if not blocks:
            continue
        session = Session(capsim, args.keep_tmp)
        replacements: list[tuple[Block, list[str]]] = []
        try:
            for block in blocks:
                where = f"{rel(path)}:{block.line}"
                reason = block.skip_reason
                if reason and (args.check or not args.include_skip_ci):
                    skipped.append(f"{where}: {block.title()} — skip-ci: {reason}")
                    print(f"skip  {where}  {block.title()}\n      skip-ci: {reason}", file=sys.stderr)
                    continue
                outcome = run_block(block, session)
                ran += 1
                fresh = [l for s in outcome.segments for l in s.lines]
                while fresh and not fresh[-1]:
                    fresh.pop()
                old_m = masked_lines(block.committed, outcome.segments)
                new_m = masked_lines(fresh, outcome.segments)
                same = old_m == new_m
                status = "error" if outcome.errors else "ok" if same else ("STALE" if args.check else "updated")
                print(f"{status:<8}{where}  {block.title()}  [{outcome.seconds:.1f} s]", file=sys.stderr)
                for e in outcome.errors:
                    print(f"      error: {e}", file=sys.stderr)
                if outcome.errors:
                    failures.append(f"{where}: " + "; ".join(outcome.errors))
                    if fresh:
                        print("      output:\n" + "\n".join("      | " + l for l in fresh[-30:]), file=sys.stderr)
                    continue
                if not same:
                    if args.check:
                        failures.append(f"{where}: the committed output differs from a fresh run")
                        print(render_diff(block.committed, fresh, old_m, new_m, where), file=sys.stdout)
                    else:
                        replacements.append((block, fresh))
                elif args.force and block.committed != fresh:
                    replacements.append((block, fresh))
        finally:
            session.close()
        if replacements and not args.check:
            for block, fresh in sorted(replacements, key=lambda r: r[0].start, reverse=True):
                lines[block.start + 1:block.end] = fresh
            path.write_text("\n".join(lines), encoding="utf-8")
            changed.append(f"{rel(path)} ({len(replacements)} block{'s' if len(replacements) != 1 else ''})")

    total = time.monotonic() - total_start
    print(f"\n{ran} blocks run in {total:.1f} s; {len(skipped)} skipped or noted; {len(failures)} failed", file=sys.stderr)
    for s in skipped:
        print(f"  skipped: {s}", file=sys.stderr)
    if changed:
        print("  rewrote: " + ", ".join(changed), file=sys.stderr)
    for f in failures:
        print(f"  FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
