"""Benchmark (not a test): the proposals list, a proposal page and the vote endpoint under load.

    .venv/bin/python bench/proposals_bench.py [--port 8210] [--duration 10] [--rounds 3]

1. (Re)creates the PostgreSQL database `forum_bench_proposals`, migrates it and bulk-seeds 10,000
   proposals, 200,000 votes and 50,000 comments (bench/proposals_seed.py).
2. Starts `forum serve` with FORUM_BENCH_ROUTES=1, which adds a hello-world route and an
   authenticated no-op POST to the same app and server command (they never exist otherwise).
3. Runs wrk (`apt-get install -y wrk`) against each endpoint, interleaved over several rounds, and
   reports median requests/s and the ratios the issue sets as targets:
   list page ≥ 0.25 × hello-world, vote ≥ 0.4 × authenticated no-op POST.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pages_load import wrk_script  # noqa: E402 - bench/ is the script's folder, on sys.path
from pages_db import bench_env  # noqa: E402 - a production configuration that passes `forum check`

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def sh(*args, env=None, check=True) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def lua_list(values) -> str:
    return "{" + ", ".join(json.dumps(str(v)) for v in values) + "}"


SCRIPTS = {
    "detail": """
local ids = {ids}
request = function()
  return wrk.format("GET", "/proposals/" .. ids[math.random(#ids)])
end
""",
    "noop": """
local tokens = {tokens}
request = function()
  return wrk.format("POST", "/api/_bench/noop", {{["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json"}}, "{{}}")
end
""",
    "vote": """
local tokens = {tokens}
local ids = {ids}
local choices = {{"for", "against", "abstain"}}
request = function()
  local body = '{{"choice": "' .. choices[math.random(3)] .. '"}}'
  return wrk.format("PUT", "/api/v1/proposals/" .. ids[math.random(#ids)] .. "/vote",
    {{["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Content-Type"] = "application/json"}}, body)
end
""",
}


def wrk(base: str, path: str, script: str | None, duration: int, connections: int) -> tuple[float, int]:
    with wrk_script(script) as script_args:
        out = sh("wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *script_args, base + path)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if errors:
        print("   socket errors:", errors.group(1))
    return rps, int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8210)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database", default="forum_bench_proposals")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database (ids from the last run)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    instance = Path(tempfile.mkdtemp(prefix="proposals-bench-"))
    url = PG + args.database
    env = {**bench_env(args.database, args.port, instance), "FORUM_DATABASE_URL": url, "FORUM_BENCH_ROUTES": "1"}
    forum = str(Path(sys.executable).with_name("forum"))
    ids_file = ROOT / "bench" / ".proposals_bench_ids.json"
    if not args.skip_seed:
        sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database)
        sh("createdb", "-h", "127.0.0.1", "-U", "postgres", args.database)
        sh(forum, "db", "upgrade", env=env)
        os.environ.update(env)
        from config import Config
        from forum import create_app

        from proposals_seed import seed

        started = time.monotonic()
        ids = seed(create_app(Config.from_env()))
        print(f"seeded {ids['counts']} in {time.monotonic() - started:.1f}s")
        ids_file.write_text(json.dumps(ids))
    ids = json.loads(ids_file.read_text())
    print("recount-votes:", sh(forum, "recount-votes", env=env).strip())

    server = subprocess.Popen([forum, "serve", "--port", str(args.port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/_bench/hello", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        targets = {
            "hello": ("/_bench/hello", None),
            "list": ("/proposals", None),
            "detail": ("/", SCRIPTS["detail"].format(ids=lua_list(ids["detail_ids"]))),
            "noop": ("/", SCRIPTS["noop"].format(tokens=lua_list(ids["tokens"]))),
            "vote": ("/", SCRIPTS["vote"].format(tokens=lua_list(ids["tokens"]), ids=lua_list(ids["voting_ids"]))),
        }
        for name, (path, script) in targets.items():  # warm-up
            wrk(base, path, script, 2, args.connections)
        results: dict[str, list[float]] = {name: [] for name in targets}
        for round_no in range(1, args.rounds + 1):
            for name, (path, script) in targets.items():
                rps, bad = wrk(base, path, script, args.duration, args.connections)
                results[name].append(rps)
                print(f"round {round_no} {name:7s} {rps:9.1f} req/s" + (f"  NON-2xx: {bad}" if bad else ""))
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(instance, ignore_errors=True)
    median = {name: statistics.median(values) for name, values in results.items()}
    report = {
        "median_req_per_s": {k: round(v, 1) for k, v in median.items()},
        "list_vs_hello": round(median["list"] / median["hello"], 3),
        "detail_vs_hello": round(median["detail"] / median["hello"], 3),
        "vote_vs_noop_post": round(median["vote"] / median["noop"], 3),
        "targets": {"list_vs_hello": 0.25, "vote_vs_noop_post": 0.4},
        "connections": args.connections, "duration_s": args.duration, "rounds": args.rounds,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
