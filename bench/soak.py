"""Soak benchmark: mixed load for a few minutes against two `forum serve` processes sharing
PostgreSQL and Redis — reading, voting, commenting over HTTP, and 200 live sockets discussing.

Reports throughput, p50/p99 latency per kind of request, errors (target 0), live fan-out latency,
and each server process's resident memory over time (target: flat after warm-up).

    .venv/bin/python bench/soak.py --duration 180
    .venv/bin/python bench/soak.py --duration 60 --sockets 50 --json bench/results/soak.json

It needs the proposals (votes, comments) and live features. By default it uses a database
`forum_soak` on the local PostgreSQL (dropped and recreated: never point it at real data) and
Redis databases 11 (queue) and 12 (rate limits). Every request goes to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.ops.livechat import Discussant  # noqa: E402
from tests.ops.services import ForumServer  # noqa: E402

PASSWORD = "soak-passwort"
SLUG = "soak"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load after the warm-up")
    parser.add_argument("--warmup", type=float, default=60, help="seconds of load before memory is baselined")
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--posters", type=int, default=20, help="sockets among them that post")
    parser.add_argument("--http-workers", type=int, default=12)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--proposals", type=int, default=20)
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/forum_soak")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="base URL; databases 11 and 12 are used")
    parser.add_argument("--ports", default="8240,8241")
    parser.add_argument("--metrics-ports", default="8242,8243")
    parser.add_argument("--json", help="also write the summary here")
    return parser.parse_args(argv)


def reset_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[-1]
    if "soak" not in name:
        raise SystemExit("refusing to reset a database whose name does not contain 'soak'")
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def prepare(url: str, users: int, proposals: int, tmp: Path) -> dict:
    """Schema, a council with every user as member, proposals open for voting, one token each."""
    from flask_migrate import upgrade

    from config import TestConfig
    from forum import create_app
    from forum.accounts.services import create_confirmed_user, issue_token
    from forum.councils.models import Council, Membership
    from forum.database import utcnow
    from forum.extensions import db
    from forum.proposals.models import Proposal

    cfg = TestConfig()
    cfg.INSTANCE_PATH = str(tmp / "setup")
    cfg.SQLALCHEMY_DATABASE_URI = url
    app = create_app(cfg)
    with app.app_context():
        upgrade()
        council = Council(slug=SLUG, name="Fachbeirat Dauerlast", mandate="Last", description="", visibility="public",
                          join_policy="open")
        db.session.add(council)
        db.session.flush()
        tokens, ids = [], []
        for n in range(users):
            user = create_confirmed_user(email=f"soak{n}@example.org", name=f"Last {n}", password=PASSWORD,
                                         stakeholder=("citizen", "business", "research", "culture", "association")[n % 5],
                                         organisation=None if n % 5 == 0 else f"Organisation {n}", verified=True)
            db.session.add(Membership(council_id=council.id, user_id=user.id, role="member"))
            tokens.append(issue_token(user))
        council.members_count = users
        db.session.flush()
        for n in range(proposals):
            proposal = Proposal(title=f"Vorschlag {n}: Handy-Parken und WLAN", body="Text " * 50, status="voting",
                                author_id=None, council_id=council.id, published_at=utcnow())
            if hasattr(proposal, "voting_started_at"):
                proposal.voting_started_at = utcnow()
            db.session.add(proposal)
            db.session.flush()
            ids.append(proposal.id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"tokens": tokens, "proposal_ids": ids}


# -- load generators ------------------------------------------------------------------------------

def http_load(bases, tokens, proposal_ids, stop_at, workers, out):
    """Threads issuing a mix of reads (70 %), votes (20 %) and comments (10 %)."""
    samples = defaultdict(list)
    errors = defaultdict(int)
    error_examples = []
    lock = threading.Lock()

    def one(session, base, headers):
        roll = random.random()
        pid = random.choice(proposal_ids)
        if roll < 0.7:
            kind, method, path, body = random.choice([
                ("read_page", "GET", "/", None), ("read_page", "GET", f"/proposals/{pid}", None),
                ("read_page", "GET", "/proposals", None), ("read_page", "GET", f"/live/rooms/council/{SLUG}", None),
                ("read_api", "GET", "/api/v1/proposals?per_page=20", None),
                ("read_api", "GET", "/api/v1/proposals?q=WLAN", None),
                ("read_api", "GET", f"/api/v1/proposals/{pid}", None)])
        elif roll < 0.9:
            kind, method, path = "vote", "PUT", f"/api/v1/proposals/{pid}/vote"
            body = {"choice": random.choice(["for", "against", "abstain"])}
        else:
            kind, method, path = "comment", "POST", f"/api/v1/proposals/{pid}/comments"
            body = {"body": f"Dauerlast-Kommentar {random.random():.6f}"}
        started = time.perf_counter()
        try:
            response = session.request(method, base + path, json=body, headers=headers, timeout=30)
            status = response.status_code
        except requests.RequestException as err:
            status = type(err).__name__
        elapsed = time.perf_counter() - started
        with lock:
            samples[kind].append(elapsed)
            if not (isinstance(status, int) and status < 400):
                errors[f"{kind}:{status}"] += 1
                if len(error_examples) < 5:
                    error_examples.append(f"{method} {path} -> {status}")

    def worker(n):
        session = requests.Session()
        base = bases[n % len(bases)]
        while time.time() < stop_at:
            headers = {"Authorization": f"Bearer {tokens[random.randrange(len(tokens))]}"}
            one(session, base, headers)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put({"http": {k: v for k, v in samples.items()}, "http_errors": dict(errors), "error_examples": error_examples})


def socket_load(bases, tokens, sockets, posters, stop_at, out):
    """`sockets` live clients in the council room; `posters` of them post every ~3 s; all
    measure fan-out latency from the timestamp in each message."""
    latencies = []
    lock = threading.Lock()
    stamp = re.compile(r"t=(\d+\.\d+)")

    def on_message(payload):
        match = stamp.search(payload.get("body_html", "")) if isinstance(payload, dict) else None
        if match:
            with lock:
                latencies.append(time.time() - float(match.group(1)))

    people, failed_connects = [], 0
    for n in range(sockets):
        person = Discussant(bases[n % len(bases)], tokens[n % len(tokens)], f"council:{SLUG}", f"s{n}")
        person.client.on("message", on_message, namespace="/live")
        try:
            person.connect()
        except Exception:  # noqa: BLE001 - counted as an error
            failed_connects += 1
            continue
        people.append(person)
    acked, unacked = 0, 0

    def post_loop(person, k0):
        nonlocal acked, unacked
        k = 0
        while time.time() < stop_at:
            time.sleep(random.uniform(2.0, 4.0))
            mid = person.post(f"soak-{k0}-{k}", f"Beitrag t={time.time():.6f}", time.monotonic() + 15)
            with lock:
                if mid is None:
                    unacked += 1
                else:
                    acked += 1
            k += 1

    threads = [threading.Thread(target=post_loop, args=(p, i)) for i, p in enumerate(people[:posters])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    disconnected = sum(1 for p in people if not p.client.connected)
    for person in people:
        person.close()
    out.put({"live_latency": latencies, "live_posts_acked": acked, "live_posts_unacked": unacked,
             "live_failed_connects": failed_connects, "live_disconnected_at_end": disconnected,
             "live_connected": len(people)})


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = Path(f"/tmp/forum-soak-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    reset_database(args.database)
    data = prepare(args.database, args.users, args.proposals, tmp)
    env = {"FORUM_DATABASE_URL": args.database, "FORUM_MESSAGE_QUEUE": f"{args.redis}/11",
           "FORUM_RATELIMIT_STORAGE_URL": f"{args.redis}/12", "FORUM_LOGIN_RATE_LIMIT": "100000 per minute"}
    ports = [int(p) for p in args.ports.split(",")]
    metrics_ports = [int(p) for p in args.metrics_ports.split(",")]
    servers = []
    for n, (port, mport) in enumerate(zip(ports, metrics_ports)):
        server = ForumServer(tmp, f"server{n}", {**env, "FORUM_METRICS_PORT": str(mport)})
        server.port, server.url = port, f"http://127.0.0.1:{port}"
        servers.append(server)
    try:
        for server in servers:
            server.start()
        bases = [s.url for s in servers]
        started = time.time()
        stop_at = started + args.warmup + args.duration
        out = mp.Queue()
        workers = [mp.Process(target=socket_load, args=(bases, data["tokens"], args.sockets, args.posters, stop_at, out)),
                   mp.Process(target=http_load, args=(bases, data["tokens"], data["proposal_ids"], stop_at,
                                                      args.http_workers, out))]
        for worker in workers:
            worker.start()
        memory = {s.name: [] for s in servers}
        cpu_start = {s.name: cpu_seconds(s.process.pid) for s in servers}
        while time.time() < stop_at:
            for server in servers:
                memory[server.name].append((round(time.time() - started, 1), round(rss_mib(server.process.pid), 1)))
            time.sleep(5)
        results = {}
        for _ in workers:
            results.update(out.get(timeout=120))
        for worker in workers:
            worker.join(timeout=60)
        cpu_used = {s.name: round(cpu_seconds(s.process.pid) - cpu_start[s.name], 1) for s in servers}
        health = [requests.get(b + "/healthz", timeout=10).status_code for b in bases]
        crashed = [s.name for s in servers if s.process.poll() is not None]
        tracebacks = sum(s.errors_log().count("Traceback") for s in servers)
    finally:
        for server in servers:
            server.stop()

    total_http = sum(len(v) for v in results["http"].values())
    summary = {
        "duration_s": args.duration + args.warmup, "warmup_s": args.warmup, "processes": len(servers),
        "sockets": results["live_connected"], "http_requests": total_http,
        "http_throughput_rps": round(total_http / (args.duration + args.warmup), 1),
        "http": {kind: {"count": len(v), "p50_ms": round(pct(v, 0.5) * 1000, 1), "p99_ms": round(pct(v, 0.99) * 1000, 1)}
                 for kind, v in sorted(results["http"].items())},
        "http_errors": results["http_errors"], "error_examples": results["error_examples"],
        "live_posts_acked": results["live_posts_acked"], "live_posts_unacked": results["live_posts_unacked"],
        "live_deliveries": len(results["live_latency"]),
        "live_fanout_p50_ms": round((pct(results["live_latency"], 0.5) or 0) * 1000, 1),
        "live_fanout_p99_ms": round((pct(results["live_latency"], 0.99) or 0) * 1000, 1),
        "live_failed_connects": results["live_failed_connects"],
        "live_disconnected_at_end": results["live_disconnected_at_end"],
        "server_cpu_seconds": cpu_used, "healthz_at_end": health, "crashed": crashed, "tracebacks_in_server_logs": tracebacks,
        "memory_mib": {},
    }
    for name, series in memory.items():
        after = [rss for t, rss in series if t >= args.warmup]
        if after:
            half = len(after) // 2 or 1
            summary["memory_mib"][name] = {
                "after_warmup": after[0], "end": after[-1], "max": max(after),
                "growth_mib": round(after[-1] - after[0], 1),
                "second_half_growth_mib": round(after[-1] - statistics.mean(after[:half]), 1),
                "samples": series}
    errors = sum(results["http_errors"].values()) + results["live_posts_unacked"] + results["live_failed_connects"]
    summary["errors_total"] = errors
    text = json.dumps(summary, indent=2)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text)
    print(json.dumps({k: v for k, v in summary.items() if k != "memory_mib"}, indent=2))
    for name, mem in summary["memory_mib"].items():
        print(f"{name}: RSS {mem['after_warmup']} MiB after warm-up → {mem['end']} MiB at end "
              f"(max {mem['max']}, growth {mem['growth_mib']} MiB)")
    return 0 if errors == 0 and not crashed else 1


if __name__ == "__main__":
    sys.exit(main())
