"""Benchmark (not a test) of issue 18: the forum's pages against the stack's ceiling, in one run.

    .venv/bin/pip install -e '.[test,bench]'        # gunicorn (the ceiling) and pyinstrument
    .venv/bin/python bench/pages_bench.py --rounds 3  # ~10 min with one worker count
    .venv/bin/python bench/pages_bench.py --workers 1 2   # once `forum serve --workers N` exists

Cases, measured with wrk (`apt-get install -y wrk`), 32 connections, interleaved over the rounds
(round 1: every case, round 2: every case, …), medians of the rounds:

- ceiling — Flask's hello-world under gunicorn with 2 sync workers (bench/ceiling_app.py);
- list — `GET /proposals`, anonymous, the list cache on (default, 2 s);
- list-nocache — the same with `PROPOSAL_LIST_CACHE_SECONDS = 0` (bench/forum_serve.py);
- proposal-50 — `GET /proposals/<id>`, anonymous, 20 proposals with 50 comments each;
- list-signed-in — `GET /proposals` with the session cookie of a citizen who logged in first;
- list+open-data — the cached list again while one more client downloads /open-data/votes.csv
  over and over (issue 18 item 3, "no stall for everyone": its p99 shows what one long request
  does to everyone else on the same worker);
- list-fair (with `--what-if-fair`) — the cached list on a server patched by bench/forum_serve.py so
  that keep-alive connections take turns (a what-if, not the forum's code);
- list-2proc (with `--what-if-two-processes`) — two one-process servers, 16 connections each: what
  `--workers 2` should at least give, measurable before it exists.

Each forum case runs against `forum serve` on PostgreSQL (bench/pages_db.py seeds
`forum_bench_pages` once), for each worker count of `--workers`; `--workers N` is passed on to
`forum serve` only when its `--help` lists the option (today it does not: one process).

Before the load, bench/pages_inprocess.py counts SQL queries per page and times in-process
renders (`--skip-inprocess` leaves that out). Prints a Markdown table with issue 18's targets;
raw figures go to bench/results/pages-<time>.json (not committed).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
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

RESULTS = pages_db.BENCH / "results"


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its living descendants (e.g. gunicorn's workers)."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        me = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(me)
        times[me] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += children.get(current, [])
    return total


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def postgres_backends(database: str) -> dict[int, float]:
    """{pid: CPU seconds} of the PostgreSQL backends connected to `database` (the servers' pools)."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
                          f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"],
                         capture_output=True, text=True).stdout
    return {int(pid): _process_cpu(int(pid)) for pid in out.split()}


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def _parse_wrk(out: str) -> dict:
    def ms(label: str) -> float | None:
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return None
        return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": ms("50"), "p75_ms": ms("75"), "p90_ms": ms("90"), "p99_ms": ms("99"),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups())))
            if errors else {}}


def wrk(url: str | list[str], *, duration: int, connections: int, script: str | None = None,
        headers: tuple[str, ...] = (), server_pid: int | list[int] | None = None,
        database: str | None = None) -> dict:
    """One wrk run: req/s, p50/p99 (ms) from `--latency`, non-2xx/3xx answers, socket errors, and
    the CPU the server (all its processes), wrk and the whole machine spent meanwhile.

    Several urls: one wrk per url at the same time, the connections split between them (two
    separate servers standing in for two workers); req/s add up, p99 is the worst of them."""
    urls = url if isinstance(url, list) else [url]
    pids = server_pid if isinstance(server_pid, list) else ([server_pid] if server_pid else [])
    args = ["wrk", f"-t{2 if len(urls) == 1 else 1}", f"-c{connections // len(urls)}", f"-d{duration}s",
            "--latency", "--timeout", "5s"]
    for header in headers:
        args += ["-H", header]
    script_file = None
    if script:
        script_file = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script_file.write(script)
        script_file.close()
        args += ["-s", script_file.name]
    load_before = os.getloadavg()[0]
    pg_before = postgres_backends(database) if database else {}
    server_before = sum(tree_cpu_seconds(pid) for pid in pids)
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before, total_before = machine_cpu()
    procs = [subprocess.Popen(args + [each], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for each in urls]
    outs = [proc.communicate()[0] for proc in procs]
    busy_after, total_after = machine_cpu()
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = sum(tree_cpu_seconds(pid) for pid in pids) - server_before if pids else None
    # backends that appeared during the run count whole (they started during it)
    pg_cpu = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in postgres_backends(database).items()) \
        if database else None
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
    if script_file:
        os.unlink(script_file.name)
    parsed = [_parse_wrk(out) for out in outs]
    result = parsed[0]
    if len(parsed) > 1:
        result = {"rps": sum(p["rps"] for p in parsed), "requests": sum(p["requests"] for p in parsed),
                  "p50_ms": statistics.median(p["p50_ms"] for p in parsed),
                  **{key: max(p[key] for p in parsed) for key in ("p75_ms", "p90_ms", "p99_ms")},
                  "non_2xx": sum(p["non_2xx"] for p in parsed),
                  "socket_errors": {k: sum(p["socket_errors"].get(k, 0) for p in parsed)
                                    for k in ("connect", "read", "write", "timeout")},
                  "parts": parsed}
    requests = result["requests"]
    return {**result,
            "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 3) if server_cpu and requests else None,
            "wrk_cpu_ms_per_request": round(wrk_cpu * 1000 / requests, 3) if requests else None,
            "postgres_cpu_ms_per_request": round(pg_cpu * 1000 / requests, 3) if pg_cpu is not None and requests
            else None,
            "machine_busy": round((busy_after - busy_before) / (total_after - total_before), 3),
            "cores_busy_server": round(server_cpu / duration, 2) if server_cpu is not None else None,
            "cores_busy_wrk": round(wrk_cpu / duration, 2),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)}


def wait_for(port: int, path: str = "/", seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, str, list[str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    return response.status, response.read().decode(errors="replace"), response.headers.get_all("Set-Cookie") or []


def _session_cookie(set_cookies: list[str]) -> str | None:
    for value in set_cookies:
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def log_in(port: int, email: str) -> str:
    """The `session=…` cookie of a person who logged in through the form (CSRF token included)."""
    status, html, set_cookies = get(port, "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if status != 200 or token is None:
        raise SystemExit(f"GET /login: {status}, no CSRF token")
    cookie = _session_cookie(set_cookies)
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email,
                                   "password": pages_db.PASSWORD, "next": ""})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie or "",
        "Origin": f"http://127.0.0.1:{port}", "Referer": f"http://127.0.0.1:{port}/login"})
    response = conn.getresponse()
    response.read()
    signed_in = _session_cookie(response.headers.get_all("Set-Cookie") or [])
    if response.status != 302 or not signed_in:
        raise SystemExit(f"POST /login: {response.status}, no session cookie")
    return signed_in


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


BACKGROUND_PATH = "/open-data/votes.csv"  # ~1 MB, ~1 s of CPU in the worker (bench/pages_inprocess.py)


class Downloads:
    """One client fetching `path` from the server of `url` again and again until stop()."""

    def __init__(self, url: str, path: str):
        import threading

        self.port, self.path, self.seconds = urllib.parse.urlsplit(url).port, path, []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.done.is_set():
            started = time.monotonic()
            status, _, _ = get(self.port, self.path)
            if status == 200:
                self.seconds.append(time.monotonic() - started)

    def stop(self) -> dict:
        self.done.set()
        self.thread.join(timeout=30)
        return {"path": self.path, "downloads": len(self.seconds),
                "median_s": round(statistics.median(self.seconds), 3) if self.seconds else None}


STALL_PATHS = ("/open-data/votes.csv", "/open-data/proposals.json")


def stall_probe(port: int, paths=STALL_PATHS, downloads: int = 3) -> list[dict]:
    """Item 3, "no stall for everyone", without other load: a probe fetches /favicon.ico every
    10 ms while `path` is downloaded `downloads` times; the probe's longest wait is how long the
    worker was unavailable to everyone else. First a second of probing alone, as the baseline."""
    import threading

    def probe(stop, waits):
        while not stop.is_set():
            started = time.monotonic()
            get(port, "/favicon.ico")
            waits.append((time.monotonic() - started) * 1000)
            time.sleep(0.01)

    rows = []
    for path in (None, *paths):
        stop, waits, took = threading.Event(), [], []
        thread = threading.Thread(target=probe, args=(stop, waits), daemon=True)
        thread.start()
        if path is None:
            time.sleep(1)
        for _ in range(downloads if path else 0):
            started = time.monotonic()
            get(port, path)
            took.append((time.monotonic() - started) * 1000)
        stop.set()
        thread.join(timeout=30)
        waits.sort()
        rows.append({"path": path or "(nothing)", "download_ms": statistics.median(took) if took else None,
                     "probes": len(waits), "probe_median_ms": statistics.median(waits),
                     "probe_max_ms": waits[-1]})
    return rows


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
                        default=["list", "list-nocache", "proposal-50", "list-signed-in", "list+open-data"])
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
            uncached = servers.forum(f"w{workers}-nocache", workers, cache=False) if "list-nocache" in args.cases \
                else None
            stall_ports[workers] = cached
            cookie = log_in(cached, ids["signed_in_email"])
            status, html, _ = get(cached, "/proposals", cookie)
            if status != 200 or "/logout" not in html:
                raise SystemExit("the session cookie does not sign in on /proposals")
            cases = {
                "list": (f"http://127.0.0.1:{cached}/proposals", None, ()),
                "list-nocache": (f"http://127.0.0.1:{uncached}/proposals", None, ()),
                "proposal-50": (f"http://127.0.0.1:{cached}/", detail_script(ids["fifty_ids"]), ()),
                "list-signed-in": (f"http://127.0.0.1:{cached}/proposals", None, (f"Cookie: {cookie}",)),
                # issue 18 item 3: the cached list while one client downloads an open-data file after another
                "list+open-data": (f"http://127.0.0.1:{cached}/proposals", None, ()),
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
