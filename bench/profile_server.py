"""Profile of the real `forum serve` under wrk load (not a test): py-spy samples the server process
while wrk drives one case, and the samples are summed like bench/profile_summary.py does.

    .venv/bin/python bench/profile_server.py [--duration 20] [--cases list-nocache proposal-50 list-signed-in]

Unlike bench/profile_pages.py (Flask test client) this includes the gevent server, the hub and
the Socket.IO middleware, and samples only while the process is on a CPU (py-spy leaves idle
samples out), so the shares are shares of the server's CPU time. Output: bench/results/
server-profile-<case>.txt (collapsed stacks, for flame graph tools) and server-profile-summary.md.
py-spy comes with the optional extra `bench`.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages_bench  # noqa: E402
import pages_db  # noqa: E402
import profile_summary  # noqa: E402

RESULTS = pages_db.BENCH / "results"
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def summarise(collapsed: str) -> dict:
    parts, libraries, total = Counter(), Counter(), 0
    compiled_parts = [(label, re.compile(p)) for label, p in profile_summary.PARTS]
    compiled_libraries = [(label, re.compile(p)) for label, p in profile_summary.LIBRARIES]
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        count = int(count)
        total += count
        keys = []
        for frame in stack.split(";"):
            found = FRAME.match(frame)
            keys.append((found["file"], found["function"]) if found else ("", frame))
        for label, pattern in compiled_parts:
            if any(pattern.search(f"{file}:{function}") for file, function in keys):
                parts[label] += count
        leaf_file = keys[-1][0]
        for label, pattern in compiled_libraries:
            if pattern.search(leaf_file):
                libraries[label] += count
                break
        else:
            libraries["other"] += count
    return {"samples": total, "parts": dict(parts), "libraries": dict(libraries)}


def markdown(summaries: dict, cpu_ms: dict) -> str:
    names = list(summaries)
    lines = ["Share of the server's CPU samples (py-spy, `forum serve` under wrk -c32); "
             "in brackets: ms of server CPU per request (share × measured server CPU per request)", "",
             "| part | " + " | ".join(f"{n} ({cpu_ms[n]:.1f} ms/req)" for n in names) + " |",
             "| --- |" + " ---: |" * len(names)]

    def row(label: str, key: str) -> None:
        cells = []
        for n in names:
            share = summaries[n][key].get(label, 0) / max(1, summaries[n]["samples"])
            cells.append("" if share < 0.005 else f"{share:.0%} ({share * cpu_ms[n]:.2f})")
        if any(cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for label, _ in profile_summary.PARTS:
        if not label.startswith("whole request"):
            row(label, "parts")
    lines += ["", "Own CPU by library (the sampled leaf frame's package):", "",
              "| library | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for label, _ in profile_summary.LIBRARIES + [("other", "")]:
        row(label, "libraries")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8540)
    parser.add_argument("--database", default=pages_db.DEFAULT_DATABASE)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--cases", nargs="+", default=["list", "list-nocache", "proposal-50", "list-signed-in"])
    args = parser.parse_args()
    py_spy = str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists() or not shutil.which("wrk"):
        raise SystemExit("needs py-spy (.venv/bin/pip install -e '.[test,bench]') and wrk (apt-get install -y wrk)")
    RESULTS.mkdir(exist_ok=True)
    pages_db.ensure(args.database)
    ids = pages_db.ids(args.database)
    args.has_workers, args.redis = False, None
    instance = Path(tempfile.mkdtemp(prefix="server-profile-"))
    servers = pages_bench.Servers(args, instance)
    summaries, cpu_ms = {}, {}
    try:
        cached = servers.forum("profile", 1, cache=True)
        uncached = servers.forum("profile-nocache", 1, cache=False)
        cookie = pages_bench.log_in(cached, ids["signed_in_email"])
        cases = {
            "list": (cached, "/proposals", None, ()),
            "list-nocache": (uncached, "/proposals", None, ()),
            "proposal-50": (cached, "/", pages_bench.detail_script(ids["fifty_ids"]), ()),
            "list-signed-in": (cached, "/proposals", None, (f"Cookie: {cookie}",)),
        }
        for name in args.cases:
            port, path, script, headers = cases[name]
            url = f"http://127.0.0.1:{port}{path}"
            pages_bench.wrk(url, duration=3, connections=args.connections, script=script, headers=headers)
            out = RESULTS / f"server-profile-{name}.txt"
            spy = subprocess.Popen([py_spy, "record", "--pid", str(servers.pid_of[port]), "--format", "raw",
                                    "--full-filenames", "--rate", str(args.rate), "--duration", str(args.duration),
                                    "--output", str(out), "--nonblocking"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            run = pages_bench.wrk(url, duration=args.duration, connections=args.connections, script=script,
                                  headers=headers, server_pid=servers.pid_of[port])
            spy.wait(timeout=60)
            summaries[name] = summarise(out.read_text())
            cpu_ms[name] = run["server_cpu_ms_per_request"] or 0.0
            print(f"{name}: {run['rps']:.1f} req/s, server CPU {cpu_ms[name]:.2f} ms/request, "
                  f"{summaries[name]['samples']} samples", file=sys.stderr)
    finally:
        servers.stop()
        shutil.rmtree(instance, ignore_errors=True)
    text = markdown(summaries, cpu_ms)
    (RESULTS / "server-profile-summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
