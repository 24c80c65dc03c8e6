"""In-process figures of issue 18 over the real app and the PostgreSQL bench database (not a test).

    .venv/bin/python bench/pages_inprocess.py [--database forum_bench_pages] [--json out.json]

- render: wall time (and this process's CPU time) of whole requests through Flask's test client
  (routing, session, queries, templates), the list cache off: the uncached list (target ≤ 8 ms) and a proposal page with 50
  comments (target ≤ 10 ms), anonymous and signed in; with the time spent in SQL (cursor execute).
- queries: SQL statements per page, the second request of each (a first request of a fresh app
  may load what a process keeps), anonymous, as a signed-in citizen and as the managing director.
- heavy: requests that run long (open data, calendar files, the data export, the printable agenda),
  each of which holds its gevent process for that long, and `forum backup` (a CLI command).

bench/pages_bench.py runs this before its load; bench/pages_db.py seeds the database.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages_db  # noqa: E402

PORT = 8500  # only for FORUM_BASE_URL (the trusted host); nothing listens in-process
BASE = f"https://127.0.0.1:{PORT}"  # FORUM_BASE_URL's scheme (bench/pages_db.py bench_env)


def make_app(database: str, cache: bool = False, **config):
    instance = Path(tempfile.mkdtemp(prefix="pages-inprocess-"))
    os.environ.update({k: v for k, v in pages_db.bench_env(database, PORT, instance).items()
                       if k.startswith("FORUM_")})
    sys.path.insert(0, str(pages_db.ROOT))
    from config import Config
    from forum import create_app

    overrides = {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}  # the test client is http
    if not cache:
        overrides["PROPOSAL_LIST_CACHE_SECONDS"] = 0
    return create_app(Config.from_env(**overrides, **config))


class SqlMeter:
    """Counts statements and sums their execution time on the app's engine."""

    def __init__(self, app):
        from sqlalchemy import event

        from forum.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.count, self.seconds, self._started = 0, 0.0, []
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def _before(self, *_args):
        self.count += 1
        self._started.append(time.perf_counter())

    def _after(self, *_args):
        self.seconds += time.perf_counter() - self._started.pop()

    @contextmanager
    def measure(self):
        self.count, self.seconds = 0, 0.0
        yield self


def log_in(app, email: str):
    client = app.test_client()
    html = client.get("/login", base_url=BASE).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", base_url=BASE, headers={"Origin": BASE, "Referer": BASE + "/login"},
                           data={"csrf_token": token, "email": email, "password": pages_db.PASSWORD, "next": ""})
    if response.status_code != 302:
        raise SystemExit(f"login as {email}: {response.status_code}")
    return client


def csrf_of(client, path: str) -> str:
    html = client.get(path, base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def time_requests(client, meter: SqlMeter, paths: list[str], repeat: int, warmup: int) -> dict:
    for n in range(warmup):
        client.get(paths[n % len(paths)], base_url=BASE)
    walls, cpus, sqls, counts = [], [], [], []
    for n in range(repeat):
        with meter.measure():
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(paths[n % len(paths)], base_url=BASE)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{paths[n % len(paths)]}: {response.status_code}")
        sqls.append(meter.seconds * 1000)
        counts.append(meter.count)
    walls.sort()
    return {"ms_median": statistics.median(walls), "ms_p90": walls[int(len(walls) * 0.9) - 1],
            "cpu_ms_median": statistics.median(cpus),
            "sql_ms_median": statistics.median(sqls), "queries": max(counts)}


def survey_paths(ids: dict) -> dict[str, list[str]]:
    fifty, meeting, project = ids["fifty_ids"][0], ids["meeting_id"], ids["project_id"]
    public = ["/", "/proposals", "/proposals?sort=votes", "/proposals?q=Radweg", "/proposals?tag=wlan",
              f"/proposals/{fifty}", f"/proposals/{fifty}/votes", f"/proposals/{fifty}/history", "/councils",
              f"/councils/{ids['public_council']}", f"/councils/{ids['public_council']}/members", "/meetings",
              f"/meetings/{meeting}", f"/meetings/{meeting}/print", "/projects", f"/projects/{project}",
              "/open-data", "/transparency", "/imprint", "/privacy", "/criteria", "/login", "/register",
              "/password/forgot"]
    signed_in = ["/", "/proposals", f"/proposals/{fifty}", "/proposals/new", "/councils",
                 f"/councils/{ids['private_council']}", f"/councils/{ids['private_council']}/members", "/meetings",
                 f"/meetings/{meeting}", "/projects", "/profile", "/notifications", "/cooperation",
                 "/cooperation/requests"]
    director = ["/", "/proposals", f"/proposals/{fifty}", "/moderation", "/people", "/audit", "/verifications",
                "/controlling", "/controlling/ranking", "/controlling/requests", "/controlling/evaluators",
                f"/projects/{project}/edit", f"/meetings/{meeting}/edit", "/meetings/new"]
    return {"anonymous": public, "citizen": signed_in, "director": director}


def count_queries(clients: dict, meter: SqlMeter, ids: dict) -> list[dict]:
    rows = []
    for role, paths in survey_paths(ids).items():
        client = clients[role]
        for path in paths:
            client.get(path, base_url=BASE)
            with meter.measure():
                started = time.perf_counter()
                response = client.get(path, base_url=BASE)
                ms = (time.perf_counter() - started) * 1000
            rows.append({"path": path, "as": role, "status": response.status_code, "queries": meter.count,
                         "ms": round(ms, 1)})
    return rows


def heavy_requests(app, clients: dict, ids: dict, database: str) -> list[dict]:
    from forum.controlling.open_data import DATASETS

    rows = []

    def timed(role: str, method: str, path: str, **kwargs) -> None:
        started = time.perf_counter()
        response = getattr(clients[role], method)(path, base_url=BASE, **kwargs)
        body = response.get_data()
        rows.append({"path": (f"{method.upper()} " if method != "get" else "") + path, "as": role,
                     "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1),
                     "bytes": len(body)})

    for name in DATASETS:
        timed("anonymous", "get", f"/open-data/{name}.json")
        timed("anonymous", "get", f"/open-data/{name}.csv")
    timed("anonymous", "get", "/calendar.ics")
    timed("anonymous", "get", f"/meetings/{ids['meeting_id']}.ics")
    timed("anonymous", "get", f"/councils/{ids['public_council']}/calendar.ics")
    timed("anonymous", "get", f"/meetings/{ids['meeting_id']}/print")
    timed("anonymous", "get", "/proposals?per_page=100")
    for role in ("citizen", "director"):
        token = csrf_of(clients[role], "/profile")
        timed(role, "post", "/profile/export", data={"csrf_token": token},
              headers={"Origin": BASE, "Referer": BASE + "/profile"})
    with tempfile.TemporaryDirectory() as tmp:
        env = pages_db.bench_env(database, PORT, Path(tmp))
        started = time.perf_counter()
        done = subprocess.run([pages_db.forum_bin(), "backup", str(Path(tmp) / "backup.json.gz")], env=env,
                              capture_output=True, text=True)
        size = (Path(tmp) / "backup.json.gz").stat().st_size if done.returncode == 0 else 0
        rows.append({"path": "forum backup FILE.json.gz (CLI, own process)", "as": "operator",
                     "status": 0 if done.returncode == 0 else done.returncode,
                     "ms": round((time.perf_counter() - started) * 1000, 1), "bytes": size})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=pages_db.DEFAULT_DATABASE)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--skip-heavy", action="store_true")
    args = parser.parse_args()
    pages_db.ensure(args.database)
    ids = pages_db.ids(args.database)
    app = make_app(args.database)
    meter = SqlMeter(app)
    clients = {"anonymous": app.test_client(), "citizen": log_in(app, ids["signed_in_email"]),
               "director": log_in(app, ids["director_email"])}
    fifty = [f"/proposals/{pid}" for pid in ids["fifty_ids"]]
    render = []
    for case, role, paths in (("list-uncached", "anonymous", ["/proposals"]),
                              ("list-uncached", "citizen", ["/proposals"]),
                              ("proposal-50", "anonymous", fifty), ("proposal-50", "citizen", fifty)):
        render.append({"case": case, "as": role,
                       **time_requests(clients[role], meter, paths, args.repeat, args.warmup)})
    cached_app = make_app(args.database, cache=True)
    cached_meter = SqlMeter(cached_app)
    render.append({"case": "list-cached", "as": "anonymous",
                   **time_requests(cached_app.test_client(), cached_meter, ["/proposals"], args.repeat, args.warmup)})
    data = {"repeat": args.repeat, "warmup": args.warmup, "render": render,
            "queries": count_queries(clients, meter, ids),
            "heavy": [] if args.skip_heavy else heavy_requests(app, clients, ids, args.database)}
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))
    import pages_report

    print("\n".join(pages_report.inprocess_tables(data)))


if __name__ == "__main__":
    main()
