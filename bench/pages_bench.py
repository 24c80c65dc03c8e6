"""Benchmark (not a test) of issue 18: the forum's pages against the stack's ceiling, in one run.

    .venv/bin/pip install -e '.[test,bench]'        # gunicorn (the ceiling) and pyinstrument
    .venv/bin/python bench/pages_bench.py --rounds 3  # ~6 min with one worker count
    .venv/bin/python bench/pages_bench.py --workers 1 2   # also `forum serve --workers 2` (Redis queue: --redis)

Cases, measured with wrk (`apt-get install -y wrk`), 32 connections, interleaved over the rounds
(round 1: every case, round 2: every case, …), medians of the rounds:

- ceiling — Flask's hello-world under gunicorn with 2 sync workers (bench/ceiling_app.py);
- list — `GET /proposals`, anonymous, the list cache on (default, 2 s);
- list-nocache — the same with `PROPOSAL_LIST_CACHE_SECONDS = 0` (bench/forum_serve.py);
- proposal-50 — `GET /proposals/<id>`, anonymous, 20 proposals with 50 comments each;
- list-signed-in — `GET /proposals` with the session cookie of a citizen who logged in first;
- list+open-data — the cached list again while one more client downloads /open-data/votes.csv
  over and over (issue 18 item 3, "no stall for everyone": its p99 shows what one long request
  does to everyone else on the same worker); list+open-data-nocache — the same, cache off;

proposal-50 and list-signed-in run against the server with the cache off as well, so every figure
is there with the cache off (issue 18 item 4; the report's "list cache" column says which);
- list-fair (with `--what-if-fair`) — the cached list on a server patched by bench/forum_serve.py so
  that keep-alive connections take turns (a what-if, not the forum's code);
- list-2proc (with `--what-if-two-processes`) — two one-process servers, 16 connections each: what
  `--workers 2` should at least give, measurable before it exists.

Each forum case runs against `forum serve` on PostgreSQL (bench/pages_db.py seeds
`forum_bench_pages` once), for each worker count of `--workers`; `--workers N` is passed on to
`forum serve` when its `--help` lists the option (it does since issue 18; older checkouts: one process).

Before the load, bench/pages_inprocess.py counts SQL queries per page and times in-process
renders (`--skip-inprocess` leaves that out). Prints a Markdown table with issue 18's targets;
raw figures go to bench/results/pages-<time>.json (not committed).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages_db  # noqa: E402
import pages_report  # noqa: E402
from pages_load import (BACKGROUND_PATH, Downloads, get, log_in, stall_probe, wait_for,  # noqa: E402,F401
                        wrk)

RESULTS = pages_db.BENCH / "results"


class Servers:
    """The ceiling and the forum processes; all stay up (idle) for the whole run."""

    def __init__(self, args, instance: Path):
        self.args, self.instance, self.procs, self.logs = args, instance, [], []
        self.pid_of: dict[int, int] = {}
        self.next_port = args.port

    def _port(self) -> int:
        port, self.next_port = self.next_port, self.next_port + 1
        return port

    def _start(self, name: str, port: int, argv: list[str], env: dict) -> None:
        log = open(RESULTS / f"server-{name}.log", "w")
        self.logs.append(log)
        self.procs.append(subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log))
        self.pid_of[port] = self.procs[-1].pid

    def ceiling(self) -> int:
        port = self._port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        if not Path(gunicorn).exists():
            raise SystemExit("gunicorn is missing: .venv/bin/pip install -e '.[test,bench]'")
        self._start("ceiling", port, [gunicorn, "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--chdir",
                                str(pages_db.BENCH), "--log-level", "warning", "ceiling_app:app"], dict(os.environ))
        wait_for(port)
        return port

    def forum(self, name: str, workers: int, cache: bool, what_if: dict | None = None) -> int:
        """`forum serve`; `what_if` (environment of bench/forum_serve.py, e.g. FORUM_BENCH_FAIR=1)
        starts it through that wrapper with the experiment switched on."""
        port = self._port()
        extra = {"FORUM_BENCH_CONFIG": json.dumps({} if cache else {"PROPOSAL_LIST_CACHE_SECONDS": 0}),
                 **(what_if or {})}
        if not cache:
            extra["FORUM_PROPOSAL_LIST_CACHE_SECONDS"] = "0"  # for when the forum reads it itself
        if workers > 1:
            extra["FORUM_MESSAGE_QUEUE"] = self.args.redis  # several workers need the queue (issue 18)
            extra["FORUM_RATELIMIT_STORAGE_URL"] = self.args.redis  # and shared rate limits (forum check)
        env = pages_db.bench_env(self.args.database, port, self.instance / name, **extra)
        serve = ["serve", "--port", str(port)] + (["--workers", str(workers)] if self.args.has_workers else [])
        # With the cache on this is the real `forum` command; the wrapper only sets what it cannot.
        wrapped = not cache or what_if
        argv = [sys.executable, str(pages_db.BENCH / "forum_serve.py"), *serve] if wrapped \
            else [pages_db.forum_bin(), *serve]
        self._start(name, port, argv, env)
        wait_for(port, "/healthz")
        return port

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


def detail_script(ids: list[int]) -> str:
    return ("local ids = {" + ", ".join(map(str, ids)) + "}\n"
            "request = function()\n  return wrk.format(\"GET\", \"/proposals/\" .. ids[math.random(#ids)])\nend\n")


def machine_state() -> dict:
    top = subprocess.run(["ps", "-eo", "pcpu,etimes,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    return {"loadavg": os.getloadavg(), "top": [line[:160] for line in top.splitlines()[1:9]]}


def run_inprocess(args) -> dict | None:
    if args.skip_inprocess:
        return None
    out = RESULTS / "inprocess-latest.json"
    subprocess.run([sys.executable, str(pages_db.BENCH / "pages_inprocess.py"), "--database", args.database,
                    "--json", str(out)], check=True, stdout=sys.stderr)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk per case before round 1")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="worker counts of `forum serve`")
    parser.add_argument("--port", type=int, default=8500, help="first of the ports used (one per server)")
    parser.add_argument("--database", default=pages_db.DEFAULT_DATABASE)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2", help="message queue when workers > 1")
    parser.add_argument("--reseed", action="store_true", help="seed the database anew")
    parser.add_argument("--skip-inprocess", action="store_true", help="no query counts and render times")
    parser.add_argument("--what-if-fair", action="store_true",
                        help="add list-fair: the cached list on a server whose keep-alive connections take turns "
                             "(bench/forum_serve.py FORUM_BENCH_FAIR=1; not the forum's code)")
    parser.add_argument("--what-if-two-processes", action="store_true",
                        help="add list-2proc: the cached list on two separate one-process servers, wrk's connections "
                             "split between them: the stand-in for --workers 2 until it exists (fair ones with "
                             "--what-if-fair)")
    parser.add_argument("--cases", nargs="+",
                        default=["list", "list-nocache", "proposal-50", "list-signed-in", "list+open-data",
                                 "list+open-data-nocache"])
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    pages_db.ensure(args.database, args.reseed)
    ids = pages_db.ids(args.database)
    help_text = subprocess.run([pages_db.forum_bin(), "serve", "--help"], capture_output=True, text=True,
                               env=pages_db.bench_env(args.database, args.port, Path(tempfile.gettempdir()))).stdout
    args.has_workers = "--workers" in help_text
    if not args.has_workers and any(w != 1 for w in args.workers):
        print("forum serve has no --workers option yet: measuring one process only", file=sys.stderr)
        args.workers = [1]

    inprocess = run_inprocess(args)
    started = time.time()
    state_before = machine_state()
    instance = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    servers = Servers(args, instance)
    results: dict[str, list[dict]] = {}
    stalls: dict = {}
    try:
        ceiling = servers.ceiling()
        targets = {"ceiling": (f"http://127.0.0.1:{ceiling}/", None, ())}
        stall_ports = {}
        for workers in args.workers:
            cached = servers.forum(f"w{workers}", workers, cache=True)
            # Every case but the cached list's runs against the server with the list cache off (issue 18
            # item 4: each figure also with the cache off; the proposal page and signed-in lists are never
            # cached anyway, and on this server nothing could be).
            uncached = servers.forum(f"w{workers}-nocache", workers, cache=False) \
                if set(args.cases) & set(pages_report.CACHE_OFF) else cached
            stall_ports[workers] = cached
            cookie = log_in(cached, ids["signed_in_email"])
            status, html, _ = get(cached, "/proposals", cookie)
            if status != 200 or "/logout" not in html:
                raise SystemExit("the session cookie does not sign in on /proposals")
            cases = {
                "list": (f"http://127.0.0.1:{cached}/proposals", None, ()),
                "list-nocache": (f"http://127.0.0.1:{uncached}/proposals", None, ()),
                "proposal-50": (f"http://127.0.0.1:{uncached}/", detail_script(ids["fifty_ids"]), ()),
                "list-signed-in": (f"http://127.0.0.1:{uncached}/proposals", None, (f"Cookie: {cookie}",)),
                # issue 18 item 3: the cached list while one client downloads an open-data file after another
                "list+open-data": (f"http://127.0.0.1:{cached}/proposals", None, ()),
                "list+open-data-nocache": (f"http://127.0.0.1:{uncached}/proposals", None, ()),
            }
            if args.what_if_fair:
                fair = servers.forum(f"w{workers}-fair", workers, cache=True, what_if={"FORUM_BENCH_FAIR": "1"})
                cases["list-fair"] = (f"http://127.0.0.1:{fair}/proposals", None, ())
                args.cases = [*args.cases, "list-fair"] if "list-fair" not in args.cases else args.cases
            if args.what_if_two_processes and workers == 1:
                second = servers.forum("w1-second", 1, cache=True, what_if=({"FORUM_BENCH_FAIR": "1"}
                                                                            if args.what_if_fair else None))
                first = fair if args.what_if_fair else cached
                cases["list-2proc"] = ([f"http://127.0.0.1:{first}/proposals", f"http://127.0.0.1:{second}/proposals"],
                                       None, ())
                args.cases = [*args.cases, "list-2proc"] if "list-2proc" not in args.cases else args.cases
            targets.update({f"{name}@w{workers}": cases[name] for name in args.cases})
        stalls = {f"w{w}": stall_probe(port) for w, port in stall_ports.items()}
        for name, (url, script, headers) in targets.items():
            if not name.startswith("list+open-data"):
                wrk(url, duration=args.warmup, connections=args.connections, script=script, headers=headers)
        pid_of = {name: [servers.pid_of[urllib.parse.urlsplit(u).port] for u in url] if isinstance(url, list)
                  else servers.pid_of[urllib.parse.urlsplit(url).port] for name, (url, _, _) in targets.items()}
        for round_no in range(1, args.rounds + 1):
            for name, (url, script, headers) in targets.items():
                background = Downloads(url, BACKGROUND_PATH) if name.startswith("list+open-data") else None
                run = wrk(url, duration=args.duration, connections=args.connections, script=script, headers=headers,
                          server_pid=pid_of[name], database=None if name == "ceiling" else args.database)
                if background:
                    run["background"] = background.stop()
                results.setdefault(name, []).append(run)
                print(f"round {round_no} {name:22s} {run['rps']:8.1f} req/s  p50 {run['p50_ms']:7.1f} ms  "
                      f"p99 {run['p99_ms']:7.1f} ms  server CPU {run['server_cpu_ms_per_request']:.2f} ms/req  "
                      f"PostgreSQL CPU {run['postgres_cpu_ms_per_request'] or 0:.2f} ms/req  "
                      f"wrk CPU {run['wrk_cpu_ms_per_request']:.2f} ms/req  machine busy {run['machine_busy']:.0%}  "
                      f"load {run['load_after']:.2f}"
                      + (f"  NON-2xx {run['non_2xx']}" if run["non_2xx"] else "")
                      + (f"  socket errors {run['socket_errors']}" if any(run["socket_errors"].values()) else ""),
                      file=sys.stderr, flush=True)
    finally:
        servers.stop()
        shutil.rmtree(instance, ignore_errors=True)
    medians = {name: {key: statistics.median(r[key] for r in runs if r[key] is not None)
                      for key in ("rps", "p50_ms", "p99_ms", "server_cpu_ms_per_request", "wrk_cpu_ms_per_request",
                                  "postgres_cpu_ms_per_request", "machine_busy", "cores_busy_server")
                      if any(r.get(key) is not None for r in runs)}
               | {"timeouts": sum(r["socket_errors"].get("timeout", 0) for r in runs),
                  "non_2xx": sum(r["non_2xx"] for r in runs)} for name, runs in results.items()}
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
              "seconds": round(time.time() - started), "rounds": args.rounds, "duration_s": args.duration,
              "connections": args.connections, "workers": args.workers, "forum_serve_has_workers": args.has_workers,
              "machine_before": state_before, "machine_after": machine_state(), "runs": results, "medians": medians,
              "stalls": stalls,
              "inprocess": inprocess}
    out = RESULTS / f"pages-{time.strftime('%Y%m%d-%H%M%S', time.localtime(started))}.json"
    out.write_text(json.dumps(report, indent=2))
    print(pages_report.markdown(report))
    print(f"\nraw figures: {out.relative_to(pages_db.ROOT)}")


if __name__ == "__main__":
    main()
