"""Load and measurement helpers of bench/pages_bench.py (not a test): wrk runs with the CPU each
process spent meanwhile, small HTTP helpers (log in through the form), and the stall probes.
"""
from __future__ import annotations

import http.client
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pages_db

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


@contextmanager
def wrk_script(script: str | None) -> Iterator[list[str]]:
    """wrk's arguments for a Lua script (`-s FILE`, none without a script); the file lasts the block."""
    if not script:
        yield []
        return
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script_file:
        script_file.write(script)
        script_file.flush()
        yield ["-s", script_file.name]


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
    load_before = os.getloadavg()[0]
    pg_before = postgres_backends(database) if database else {}
    server_before = sum(tree_cpu_seconds(pid) for pid in pids)
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before, total_before = machine_cpu()
    with wrk_script(script) as script_args:
        procs = [subprocess.Popen(args + script_args + [each], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for each in urls]
        outs = [proc.communicate()[0] for proc in procs]
    busy_after, total_after = machine_cpu()
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = sum(tree_cpu_seconds(pid) for pid in pids) - server_before if pids else None
    # backends that appeared during the run count whole (they started during it)
    pg_cpu = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in postgres_backends(database).items()) \
        if database else None
    wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
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
        "Origin": f"https://127.0.0.1:{port}", "Referer": f"https://127.0.0.1:{port}/login"})
    response = conn.getresponse()
    response.read()
    signed_in = _session_cookie(response.headers.get_all("Set-Cookie") or [])
    if response.status != 302 or not signed_in:
        raise SystemExit(f"POST /login: {response.status}, no session cookie")
    return signed_in


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
