"""Schemathesis against a running `forum serve`: the API answers as its OpenAPI document says.

A fresh SQLite database (or the PostgreSQL named by --database-url) is migrated and seeded with
the demo, `forum serve` starts on a free port, and Schemathesis runs twice, as a citizen and as the
managing director (bearer tokens of the demo accounts), over every operation the document lists
but `DELETE /tokens/current` (it would revoke the token the run uses). Any failure fails the run.

    .venv/bin/python tests/conformance/run_schemathesis.py [--examples N] [--seed N] [--port N]

`make conformance` runs it; CI calls it from .ci/run. The document is checked with
openapi-spec-validator first (Schemathesis would otherwise test against a broken description).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PERSONAS = (  # (label, demo account); the managing director runs second: it may suspend people
    ("citizen", "anna.schmidt@demo.example"),
    ("managing director", "josipovic@demo.braunschweig.example"),
)
DEMO_PASSWORD = "demo-passwort"
# Every check Schemathesis has: per request (server errors, documented statuses, schemas, negative
# data refused, positive data accepted, 405 with Allow, auth enforced) and over sequences of calls
# it links itself (a created resource is there, a deleted one is gone).
CHECKS = "all"
EXCLUDED_OPERATIONS = ("revoke_current_token",)  # DELETE /tokens/current


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, check=True, cwd=ROOT, **kwargs)


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"forum serve ended with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("forum serve did not answer /healthz in time")


def token_for(base: str, email: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/tokens", data=json.dumps({"email": email, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def validate_document(base: str, folder: Path) -> None:
    document = folder / "openapi.json"
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=10) as response:
        document.write_bytes(response.read())
    run([str(BIN / "openapi-spec-validator"), str(document)], os.environ.copy())


# Schemathesis' own default for "schema-valid data is accepted", plus 422 where the document says why.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


def write_config(folder: Path) -> Path:
    """schemathesis.toml from the document: an operation whose `x-unprocessable` names rules a JSON
    Schema cannot state (an end after a start, an id that must exist) may answer a schema-valid
    request with 422; every other operation must accept it."""
    document = json.loads((folder / "openapi.json").read_text())
    ids = sorted(op["operationId"] for ops in document["paths"].values() for op in ops.values()
                 if isinstance(op, dict) and op.get("x-unprocessable"))
    lines = ["# Written by tests/conformance/run_schemathesis.py from the OpenAPI document.",
             # Links between operations only from Location headers: the "dependency analysis" guess
             # takes the `id` in an answer for the created thing's id, but e.g. POST
             # /meetings/{id}/items answers with the meeting, so it would look for item <meeting id>.
             "[phases.stateful.inference]", 'algorithms = ["location-headers"]', ""]
    if ids:
        lines += ["[[operations]]", f"include-operation-id = {json.dumps(ids)}",
                  f"checks.positive_data_acceptance.expected-statuses = {json.dumps([*ACCEPTED, '422'])}"]
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def schemathesis(base: str, token: str, args, folder: Path, label: str) -> int:
    command = [
        str(BIN / "st"), "--no-color", "--config-file", str(folder / "schemathesis.toml"),
        "run", f"{base}/api/v1/openapi.json",
        "--checks", CHECKS, "--header", f"Authorization: Bearer {token}",
        "--max-examples", str(args.examples), "--seed", str(args.seed), "--generation-database", "none",
        "--workers", str(args.workers), "--request-timeout", "20", "--suppress-health-check", "all",
        "--report", "junit", "--report-junit-path", str(folder / f"junit-{label.replace(' ', '-')}.xml"),
    ]
    for operation_id in EXCLUDED_OPERATIONS:
        command += ["--exclude-operation-id", operation_id]
    print(f"== Schemathesis as the {label} ==", flush=True)
    return subprocess.run(command, cwd=folder).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("CONFORMANCE_EXAMPLES", 15)),
                        help="test cases per operation and phase (default 15)")
    parser.add_argument("--seed", type=int, default=20261201)
    # One worker: CPython 3.11 < 3.11.9 can fail Hypothesis' ast.parse in concurrent threads
    # ("AST constructor recursion depth mismatch"), and the server has one process anyway.
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the database and logs")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="forum-conformance-"))
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(folder / "instance"), "FORUM_SECRET_KEY": secrets.token_hex(32),
           "FORUM_DATABASE_URL": args.database_url or f"sqlite:///{folder / 'forum.db'}",
           # The login limit would answer most generated token requests with 429 and leave the
           # endpoint itself untested; 429 stays documented.
           "FORUM_LOGIN_RATE_LIMIT": "10000 per minute"}
    for name in ("FORUM_BASE_URL", "FORUM_MESSAGE_QUEUE", "FORUM_RATELIMIT_STORAGE_URL", "FORUM_MAIL_URL"):
        env.pop(name, None)
    started = time.monotonic()
    run([str(BIN / "forum"), "db", "upgrade"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run([str(BIN / "forum"), "seed-demo"], env)
    log = open(folder / "server.log", "w")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen([str(BIN / "forum"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    failed = []
    try:
        wait_until_up(base, server)
        validate_document(base, folder)
        write_config(folder)
        tokens = [(label, token_for(base, email)) for label, email in PERSONAS]
        for label, token in tokens:
            if schemathesis(base, token, args, folder, label) != 0:
                failed.append(label)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    errors = [line for line in (folder / "server.log").read_text().splitlines() if "Traceback" in line]
    print(f"conformance: {time.monotonic() - started:.0f} s, server tracebacks: {len(errors)}")
    print(f"conformance: {len(PERSONAS) - len(failed)} passed, {len(failed)} failed", flush=True)
    if failed or errors or args.keep:
        print(f"conformance: database, server log and reports kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
