"""Fan-out benchmark of the live channel (not a test): one sender, N listeners in one room.

For each size (default 100, 500, 1,000 listeners) it measures, in the same run and on 127.0.0.1:
  - bare:   a bare python-socketio server, gevent + TCP_NODELAY (bench/live_bare_server.py)
  - forum:  one `forum serve` process (the full path: auth, checks, SQLite write, emit)
  - bare2:  two bare servers relaying through Redis (python-socketio's RedisManager; listeners
            split between them, the sender on the first), when --redis is given: the floor of the
            two below
  - forum2: two `forum serve` processes relaying through Redis (listeners split between them,
            the sender on the first), when --redis is given
  - forum-wN: one `forum serve --workers N` (with --workers N and --redis): N pre-forked workers on
            one port relaying through Redis; the kernel spreads the listeners over the workers
            (the table's last column: sockets each process opened during the round, at the peak)
the delivery latency (sender's emit → a listener's handler) p50/p99 over every (message, listener)
pair, lost deliveries, and the server's resident memory per connection (RSS growth / N).
The listeners are python-socketio asyncio clients (WebSocket transport), spread over
`--listener-procs` processes (default 2): in one process, parsing N frames per message one after
the other became most of the measured latency.

    .venv/bin/python bench/live_fanout.py                       # bare vs forum, 100/500/1000
    .venv/bin/python bench/live_fanout.py --redis redis://127.0.0.1:6379/5
    .venv/bin/python bench/live_fanout.py --sizes 100 --messages 10   # a quick look
    .venv/bin/python bench/live_fanout.py --sizes 500 --redis redis://127.0.0.1:6379/5 --workers 2

Results are printed as a table and written to bench/results/live_fanout-<time>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORUM = str(Path(sys.executable).with_name("forum"))
ROOM = "council:mobilitaet"
SEQ = re.compile(r"bench-(\d+)-(\d+)")
SENDER = "bench-sender@example.org"
PASSWORD = "bench-passwort"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError as err:
            if getattr(err, "code", None):  # any HTTP answer means it is up
                return
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Servers:
    """Starts and stops the servers under test; every process is ours and ended by its pid."""

    def __init__(self, ports: list[int], redis_url: str | None):
        self.ports = ports
        self.redis_url = redis_url
        self.tmp = Path(tempfile.mkdtemp(prefix="live-bench-"))
        self.processes: list[subprocess.Popen] = []
        self.env = {**os.environ, "FORUM_SECRET_KEY": "bench-secret", "FORUM_ENV": "development",
                    "FORUM_DATABASE_URL": f"sqlite:///{self.tmp / 'forum.db'}",
                    "FORUM_LIVE_POST_LIMIT": "100000/10", "FORUM_LIVE_EVENT_LIMIT": "100000/10"}

    def _env(self, name: str, queue: bool) -> dict:
        env = {**self.env, "FORUM_INSTANCE_PATH": str(self.tmp / name)}
        if queue:
            env["FORUM_MESSAGE_QUEUE"] = self.redis_url
        return env

    def prepare(self) -> None:
        env = self._env("setup", False)
        for args in (["db", "upgrade"], ["seed-demo"],
                     ["create-user", SENDER, "--name", "Bench", "--password", PASSWORD, "--stakeholder", "citizen",
                      "--role", "managing_director"]):
            subprocess.run([FORUM, *args], env=env, check=True, capture_output=True, timeout=120)

    def _spawn(self, args: list[str], env: dict, log: str) -> subprocess.Popen:
        out = open(self.tmp / log, "w")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        self.processes.append(process)
        return process

    def bare(self) -> tuple[list[str], list[subprocess.Popen]]:
        port = self.ports[0]
        process = self._spawn([sys.executable, str(ROOT / "bench" / "live_bare_server.py"), str(port)],
                              {**os.environ, "PYTHONPATH": str(ROOT)}, "bare.log")
        wait_http(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
        return [f"http://127.0.0.1:{port}"], [process]

    def bare_relayed(self, count: int) -> tuple[list[str], list[subprocess.Popen]]:
        """`count` bare servers relaying through Redis (listeners split between them, as forum2+redis)."""
        urls, processes = [], []
        for i in range(count):
            port = self.ports[1 + i]
            processes.append(self._spawn([sys.executable, str(ROOT / "bench" / "live_bare_server.py"), str(port),
                                          self.redis_url], {**os.environ, "PYTHONPATH": str(ROOT)},
                                         f"bare{count}-{i}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_http(url + "/socket.io/?EIO=4&transport=polling")
        return urls, processes

    def forum(self, count: int) -> tuple[list[str], list[subprocess.Popen]]:
        urls, processes = [], []
        for i in range(count):
            port = self.ports[1 + i]
            env = self._env(f"forum{i}", queue=count > 1)
            processes.append(self._spawn([FORUM, "serve", "--port", str(port)], env, f"forum{count}-{i}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_http(url + "/healthz")
        return urls, processes

    def workers(self, count: int) -> tuple[list[str], list[subprocess.Popen]]:
        """One `forum serve --workers count` on one port (pre-forked workers relaying through Redis)."""
        port = self.ports[1]
        env = self._env(f"forum-w{count}", queue=True)
        process = self._spawn([FORUM, "serve", "--port", str(port), "--workers", str(count)], env,
                              f"forum-w{count}.log")
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/healthz")
        deadline = time.monotonic() + 30
        while len(children(process.pid)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return [url], [process]

    def stop(self, processes: list[subprocess.Popen]) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_all(self) -> None:
        self.stop(self.processes)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def sockets(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            pass
    return count


def children_of_none(pids: list[int]) -> set[int]:
    """The supervisors among `pids` (processes whose children are in the list): they serve nothing."""
    return {pid for pid in pids if set(children(pid)) & set(pids)}


def token(url: str) -> str:
    request = urllib.request.Request(url + "/api/v1/tokens", method="POST",
                                     headers={"Content-Type": "application/json"},
                                     data=json.dumps({"email": SENDER, "password": PASSWORD}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


async def listen(urls: list[str], first: int, count: int, run_id: str) -> None:
    """A listener process (`--listener`): connect `count` clients, print READY, collect arrival
    times until a line arrives on stdin, then print them as JSON {seq: [perf_counter, …]}.
    perf_counter is CLOCK_MONOTONIC on Linux: one clock for every process on the machine."""
    import socketio

    received: dict[int, list[float]] = defaultdict(list)
    clients: list = []

    def on_message(data):
        now = time.perf_counter()
        found = SEQ.search(data.get("body_html", "")) if isinstance(data, dict) else None
        if found and found.group(1) == run_id:
            received[int(found.group(2))].append(now)

    async def connect(i: int):
        client = socketio.AsyncClient(reconnection=False)
        client.on("message", on_message, namespace="/live")
        await client.connect(urls[i % len(urls)], namespaces=["/live"], transports=["websocket"], wait_timeout=30)
        # as live.js does: the page shows the history already, so it joins with since = the newest id
        ack = await client.call("join", {"room": ROOM, "since": 10**12}, namespace="/live", timeout=60)
        if not ack.get("ok"):
            raise RuntimeError(f"join failed: {ack}")
        clients.append(client)

    for start in range(first, first + count, 25):
        await asyncio.gather(*(connect(i) for i in range(start, min(first + count, start + 25))))
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    print(json.dumps(received), flush=True)
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


async def run_round(urls: list[str], n: int, args, sender_auth, run_id: str) -> dict:
    """N listeners spread over `--listener-procs` processes (so one client process's parsing does
    not become the measured latency), one sender here."""
    import socketio

    procs = max(1, min(args.listener_procs, n))
    started = time.perf_counter()
    listeners = []
    for k in range(procs):
        first, count = k * n // procs, (k + 1) * n // procs - k * n // procs
        listeners.append(await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--listener", ",".join(urls), str(first), str(count), run_id,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26))
    for proc in listeners:
        line = await asyncio.wait_for(proc.stdout.readline(), 120)
        if line.strip() != b"READY":
            raise RuntimeError(f"a listener process failed to connect: {line!r}")
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)  # let the server settle before measuring memory and sending

    sender = socketio.AsyncClient(reconnection=False)
    await sender.connect(urls[0], namespaces=["/live"], transports=["websocket"], auth=sender_auth, wait_timeout=30)
    sent: dict[int, float] = {}
    for seq in range(args.messages):
        sent[seq] = time.perf_counter()
        ack = await sender.call("post", {"room": ROOM, "body": f"bench-{run_id}-{seq}",
                                         "client_id": f"{run_id}-{seq}"}, namespace="/live", timeout=60)
        if not ack.get("ok"):
            raise RuntimeError(f"post failed: {ack}")
        await asyncio.sleep(args.interval)
    await asyncio.sleep(2.0)  # the last message's deliveries
    latencies = []
    for proc in listeners:
        proc.stdin.write(b"stop\n")
        await proc.stdin.drain()
        received = json.loads(await asyncio.wait_for(proc.stdout.readline(), 60))
        latencies += [(t - sent[int(seq)]) * 1000 for seq, times in received.items() for t in times]
        await proc.wait()
    latencies.sort()
    result = {"clients": n, "listener_procs": procs, "connect_s": round(connect_seconds, 2),
              "delivered": len(latencies), "expected": n * args.messages, "lost": n * args.messages - len(latencies)}
    if latencies:
        result.update(p50_ms=round(statistics.median(latencies), 1),
                      p99_ms=round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
                      max_ms=round(latencies[-1], 1))
    await sender.disconnect()
    await asyncio.sleep(1.0)
    return result


async def measure(label: str, urls: list[str], pids: list[int], n: int, args, sender_auth) -> dict:
    pids = [*pids, *(c for pid in pids for c in children(pid))]  # a supervisor's workers count too
    workers = [pid for pid in pids if pid not in children_of_none(pids)] if len(pids) > 1 else pids
    before = sum(rss_kib(pid) for pid in pids)
    base = {pid: sockets(pid) for pid in workers}
    split = {pid: 0 for pid in workers}  # sockets opened during the round, per process
    run_id = str(uuid.uuid4().int % 10**9)

    async def with_memory():
        task = asyncio.create_task(run_round(urls, n, args, sender_auth, run_id))
        peak = before
        while not task.done():
            peak = max(peak, sum(rss_kib(pid) for pid in pids))
            for pid in split:
                split[pid] = max(split[pid], sockets(pid) - base[pid])
            await asyncio.sleep(0.25)
        return await task, peak

    result, peak = await with_memory()
    result.update(server=label, size=n, processes=len(pids), split="/".join(str(v) for v in split.values()),
                  kib_per_conn=round((peak - before) / max(n, 1), 1), rss_mib=round(peak / 1024, 1))
    print(json.dumps(result), flush=True)
    return result


async def main_async(args) -> list[dict]:
    """Sizes outermost and each server started fresh for each round, so a burst of load from
    elsewhere on the machine hits the compared servers alike rather than one of them."""
    servers = Servers(args.ports, args.redis)
    results: list[dict] = []
    configs = [("bare", servers.bare), ("forum", lambda: servers.forum(1))]
    if args.redis:
        configs.append(("bare2+redis", lambda: servers.bare_relayed(2)))
        configs.append(("forum2+redis", lambda: servers.forum(2)))
        if args.workers > 1:
            configs.append((f"forum-w{args.workers}", lambda: servers.workers(args.workers)))
    try:
        servers.prepare()
        for _ in range(args.repeat):
            for n in args.sizes:
                for label, start in configs:
                    urls, processes = start()
                    try:
                        auth = None if label.startswith("bare") else {"token": token(urls[0])}
                        results.append(await measure(label, urls, [p.pid for p in processes], n, args, auth))
                    finally:
                        servers.stop(processes)
    finally:
        servers.stop_all()
    return results


def table(results: list[dict]) -> str:
    """One row per server and size: medians over the repeats."""
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in results:
        groups[(r["server"], r["size"])].append(r)

    def med(rows, key):
        values = [r[key] for r in rows if key in r]
        return round(statistics.median(values), 1) if values else None

    lines = ["| server | clients | runs | p50 ms | p99 ms | lost | KiB/conn | RSS MiB | connect s | new sockets per process |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    summary = {}
    for (server, size), rows in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        keys = ("p50_ms", "p99_ms", "kib_per_conn", "rss_mib", "connect_s")
        summary[(server, size)] = {k: med(rows, k) for k in keys}
        m = summary[(server, size)]
        lines.append(f"| {server} | {min(r['clients'] for r in rows)} | {len(rows)} | {m['p50_ms']} | {m['p99_ms']} | "
                     f"{sum(r['lost'] for r in rows)} | {m['kib_per_conn']} | {m['rss_mib']} | {m['connect_s']} | "
                     f"{rows[-1].get('split', '')} |")
    lines.append("")
    for size in sorted({size for _, size in groups}):
        bare, forum, two = (summary.get((name, size)) for name in ("bare", "forum", "forum2+redis"))
        if bare and forum and bare["p99_ms"] and forum["p99_ms"]:
            line = f"{size} clients: forum p99 / bare p99 = {forum['p99_ms'] / bare['p99_ms']:.2f}"
            if two and two["p99_ms"]:
                line += f"; two processes + Redis / one process = {two['p99_ms'] / forum['p99_ms']:.2f}"
            relayed = summary.get(("bare2+redis", size))
            for (name, at), m in summary.items():
                if at == size and name.startswith("forum-w") and m["p99_ms"]:
                    line += (f"; {name} p99 / bare p99 = {m['p99_ms'] / bare['p99_ms']:.2f}"
                             f", / one process = {m['p99_ms'] / forum['p99_ms']:.2f}")
                    if relayed and relayed["p99_ms"]:
                        line += f", / two bare processes + Redis = {m['p99_ms'] / relayed['p99_ms']:.2f}"
            lines.append(line)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--messages", default=30, type=int, help="messages per round")
    parser.add_argument("--interval", default=0.1, type=float, help="seconds between two messages")
    parser.add_argument("--ports", default="8204,8205,8206", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--redis", default=None, help="Redis URL: also measure two forum processes")
    parser.add_argument("--repeat", default=1, type=int, help="run every round this many times")
    parser.add_argument("--workers", default=1, type=int,
                        help="with --redis: also one `forum serve --workers N` (listeners spread by the kernel)")
    parser.add_argument("--listener-procs", default=2, type=int,
                        help="processes the listeners are spread over (1: all in one, as before 2026-11-30)")
    if len(sys.argv) > 1 and sys.argv[1] == "--listener":
        urls, first, count, run_id = sys.argv[2:6]
        asyncio.run(listen(urls.split(","), int(first), int(count), run_id))
        return
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"live_fanout-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print()
    print(table(results))
    print(f"\n(written to {path.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
