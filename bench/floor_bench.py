"""The stack's floor against its ceiling (issue 18): how far a minimal list page gets on this machine.

    .venv/bin/python bench/floor_bench.py [--rounds 3] [--duration 10]

Starts the ceiling (bench/ceiling_app.py) and the floor (bench/floor_app.py), both gunicorn with 2
sync workers, on the pages benchmark's database (bench/pages_db.py seeds it when needed), runs
wrk -t2 -c32 against the ceiling, the floor's list (ORM objects, Core rows) and its proposal page
with 50 comments in
interleaved rounds and prints req/s, × ceiling, p50/p99 and the server's and PostgreSQL's CPU per
request (medians of the rounds).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages_db  # noqa: E402
from pages_load import wait_for, wrk  # noqa: E402


def start(port: int, module: str, env: dict) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--chdir",
                             str(pages_db.BENCH), "--log-level", "warning", module], env=env)
    wait_for(port)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--port", type=int, default=8530)
    parser.add_argument("--database", default=pages_db.DEFAULT_DATABASE)
    args = parser.parse_args()
    pages_db.ensure(args.database)
    env = {**os.environ, "FLOOR_DATABASE_URL": pages_db.PG + args.database}
    servers = {"ceiling": start(args.port, "ceiling_app:app", env),
               "floor": start(args.port + 1, "floor_app:app", env)}
    cases = {"ceiling": ("ceiling", f"http://127.0.0.1:{args.port}/"),
             "floor (ORM)": ("floor", f"http://127.0.0.1:{args.port + 1}/"),
             "floor (Core rows)": ("floor", f"http://127.0.0.1:{args.port + 1}/core"),
             "floor proposal page": ("floor", f"http://127.0.0.1:{args.port + 1}/proposals/"
                                              f"{pages_db.ids(args.database)['fifty_ids'][0]}")}
    runs: dict[str, list[dict]] = {name: [] for name in cases}
    try:
        for _server, url in cases.values():  # warm-up
            wrk(url, duration=3, connections=32)
        for round_no in range(1, args.rounds + 1):
            for name, (server, url) in cases.items():
                result = wrk(url, duration=args.duration, connections=32, server_pid=servers[server].pid,
                             database=None if server == "ceiling" else args.database)
                runs[name].append(result)
                print(f"round {round_no} {name:18s} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                      f"p99 {result['p99_ms']:6.1f} ms", flush=True)
    finally:
        for proc in servers.values():
            proc.terminate()
            proc.wait()

    def med(name: str, key: str):
        values = [r[key] for r in runs[name] if r.get(key) is not None]
        return statistics.median(values) if values else None

    ceiling = med("ceiling", "rps")
    print("\n| server | req/s | × ceiling | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in cases:
        print(f"| {name} | {med(name, 'rps'):,.1f} | {med(name, 'rps') / ceiling:.3f} | {med(name, 'p50_ms'):.1f} | "
              f"{med(name, 'p99_ms'):.1f} | {med(name, 'server_cpu_ms_per_request') or 0:.2f} | "
              f"{med(name, 'postgres_cpu_ms_per_request') or 0:.2f} |")


if __name__ == "__main__":
    main()
