"""Schemathesis against a running `forum serve`: the API answers as its OpenAPI document says.

Per persona a fresh SQLite database is migrated and seeded with the demo, `forum serve` starts on a
free port, and Schemathesis runs against it — as a citizen and as the managing director (demo
accounts), the two side by side (with --database-url: one database, one after the other) — over
every operation the document lists but `DELETE /tokens/current`
(the one call whose answer to a fresh token cannot be replayed). Any failure fails the run.

The run signs in as Schemathesis' dynamic bearer auth (`POST /tokens` with the persona's e-mail
address and password): the run itself revokes tokens (`DELETE /me/tokens`, `DELETE /me/tokens/{id}`),
and on the 401 that follows Schemathesis fetches a new token and replays the request. A hook records
every answer; an operation that documents a 2xx but answered schema-valid requests with nothing but
401 was never tested behind its sign-in check, so such a hollow run fails as well. Per persona the
runner prints the operations and how many of them answered a 2xx.

    .venv/bin/python tests/conformance/run_schemathesis.py [--examples N] [--seed N] [--port N]

`make conformance` runs it; CI calls it from .ci/run. The document is checked with
openapi-spec-validator first (Schemathesis would otherwise test against a broken description).
"""
from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
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


def validate_document(base: str, folder: Path) -> None:
    document = folder / "openapi.json"
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=10) as response:
        document.write_bytes(response.read())
    run([str(BIN / "openapi-spec-validator"), str(document)], os.environ.copy())


# Schemathesis' own default for "schema-valid data is accepted", plus 422 where the document says why.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]


# The uploads judge a file by its bytes (libmagic), which no schema can state: the document lists the
# accepted types in the multipart `encoding` and says in the description that anything else is a 415
# `unsupported_type`, so schema-valid bytes (a ZIP, a lone "h") may be refused with 415 by these two only.
CONTENT_JUDGED = ("attach_meeting_file", "attach_proposal_file")


def write_config(folder: Path) -> Path:
    """schemathesis.toml from the document: an operation whose `x-unprocessable` names rules a JSON
    Schema cannot state (an end after a start, an id that must exist) may answer a schema-valid
    request with 422, the CONTENT_JUDGED uploads with 415; every other operation must accept it."""
    document = json.loads((folder / "openapi.json").read_text())
    expected: dict[tuple[str, ...], list[str]] = defaultdict(list)  # extra statuses → operation ids
    for ops in document["paths"].values():
        for op in ops.values():
            if isinstance(op, dict):
                extra = ("422",) * bool(op.get("x-unprocessable")) + ("415",) * (op["operationId"] in CONTENT_JUDGED)
                if extra:
                    expected[extra].append(op["operationId"])
    lines = ["# Written by tests/conformance/run_schemathesis.py from the OpenAPI document.",
             # Links between operations only from Location headers: the "dependency analysis" guess
             # takes the `id` in an answer for the created thing's id, but e.g. POST
             # /meetings/{id}/items answers with the meeting, so it would look for item <meeting id>.
             "[phases.stateful.inference]", 'algorithms = ["location-headers"]', "",
             # A token per persona from POST /tokens, fetched again after a 401 (the run revokes
             # its own tokens now and then), the request then replayed with the new one.
             "[auth.dynamic.openapi.bearer]", 'path = "/tokens"', 'method = "post"',
             'payload = { email = "${FORUM_CONFORMANCE_EMAIL}", password = "${FORUM_CONFORMANCE_PASSWORD}", '
             'label = "schemathesis" }', 'extract_selector = "/token"', "retry_on = [401]", ""]
    # One [[operations]] entry per set of extra statuses, so no operation matches two entries.
    for extra, ids in sorted(expected.items()):
        if "415" in extra:
            lines.append("# 415: the file is judged by its bytes (libmagic), see the operations' description")
        lines += ["[[operations]]", f"include-operation-id = {json.dumps(sorted(ids))}",
                  f"checks.positive_data_acceptance.expected-statuses = {json.dumps([*ACCEPTED, *extra])}", ""]
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def schemathesis(base: str, email: str, args, folder: Path, label: str, output) -> tuple[int, Path]:
    """Run Schemathesis as the persona with `email`, writing to `output`; its exit status and the file
    of answers seen."""
    statuses = folder / f"statuses-{label.replace(' ', '-')}.tsv"
    env = {**os.environ, "FORUM_CONFORMANCE_EMAIL": email, "FORUM_CONFORMANCE_PASSWORD": DEMO_PASSWORD,
           "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("status_hook.py")),
           "FORUM_CONFORMANCE_STATUS_LOG": str(statuses)}
    command = [
        str(BIN / "st"), "--no-color", "--config-file", str(folder / "schemathesis.toml"),
        "run", f"{base}/api/v1/openapi.json",
        "--checks", CHECKS,
        "--max-examples", str(args.examples), "--seed", str(args.seed), "--generation-database", "none",
        "--workers", str(args.workers), "--request-timeout", "20", "--suppress-health-check", "all",
        "--report", "junit", "--report-junit-path", str(folder / f"junit-{label.replace(' ', '-')}.xml"),
    ]
    for operation_id in EXCLUDED_OPERATIONS:
        command += ["--exclude-operation-id", operation_id]
    output.write(f"== Schemathesis as the {label} ==\n")
    output.flush()
    return subprocess.run(command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT).returncode, statuses


def requires_token(document: dict, op: dict) -> bool:
    security = op.get("security", document.get("security", []))
    return bool(security) and all(security)  # no `{}`: anonymous calls are refused


def coverage(document: dict, statuses: Path, label: str) -> list[str]:
    """Print what the run reached per operation and return the hollow ones: an operation that needs
    a token and documents a 2xx, yet answered every schema-valid request carrying a token (negative
    ones may be refused before the sign-in check, so they prove nothing) of a generating phase with
    401, or never got one."""
    seen: dict[str, Counter] = defaultdict(Counter)  # operation → (phase, mode, sent, status) → calls
    if statuses.exists():
        for entry in statuses.read_text(encoding="utf-8").splitlines():
            operation, phase, mode, sent, status = entry.split("\t")
            seen[operation][(phase, mode, sent, int(status))] += 1
    operations = {f"{method.upper()} {path}": op for path, ops in document["paths"].items()
                  for method, op in ops.items() if isinstance(op, dict)
                  and op.get("operationId") not in EXCLUDED_OPERATIONS
                  and any(str(code).startswith("2") for code in op.get("responses", {}))}
    answered_2xx = [name for name in operations if any(200 <= key[-1] < 300 for key in seen[name])]
    hollow = []
    for name, op in operations.items():
        if not requires_token(document, op):
            continue
        valid = [(phase, status) for (phase, mode, sent, status) in seen[name]
                 if mode != "negative" and sent == "token"]
        phases = {phase for phase, _ in valid} & {"coverage", "fuzzing"} or {"any phase"}
        if any(all(status == 401 for p, status in valid if p == phase or phase == "any phase")
               for phase in phases):
            hollow.append(name)
    calls = sum(seen_op.total() for seen_op in seen.values())
    refused = sum(n for seen_op in seen.values() for (_, mode, sent, status), n in seen_op.items()
                  if status == 401 and mode != "negative" and sent == "token")
    print(f"coverage as the {label}: {len(operations)} operations documenting a 2xx, {len(answered_2xx)} answered "
          f"a 2xx, {len(hollow)} hollow; {calls} calls, {refused} schema-valid ones answered 401 "
          "with a token (revoked by the run; each replayed with a new one)")
    for name in operations:
        if name not in answered_2xx:
            by_status: Counter = Counter()
            for (*_, status), n in seen[name].items():
                by_status[status] += n
            answers = ", ".join(f"{status}×{n}" for status, n in sorted(by_status.items()))
            if not answers and not operations[name].get("parameters") and "requestBody" not in operations[name]:
                answers = "not called: nothing to generate for it"  # GET /openapi.json, validated above
            print(f"  no 2xx: {name} ({answers or 'not called'})")
    for name in hollow:
        print(f"  HOLLOW: {name} answered the schema-valid requests of a phase only with 401")
    return hollow


def start_server(folder: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """A migrated database with the demo and `forum serve` on a free port; the server and its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    run([str(BIN / "forum"), "db", "upgrade"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run([str(BIN / "forum"), "seed-demo"], env, stdout=subprocess.DEVNULL)
    port = env.get("FORUM_CONFORMANCE_PORT") or str(free_port())
    with open(folder / "server.log", "w") as log:
        server = subprocess.Popen([str(BIN / "forum"), "serve", "--host", "127.0.0.1", "--port", port],
                                  env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, server)
    return server, base


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def persona_run(label: str, email: str, args, folder: Path, env: dict) -> tuple[int, Path, Path]:
    """One persona against a server and database of its own (so the personas may run side by side);
    Schemathesis' exit status, the file of answers seen and the persona's folder (its output in
    schemathesis.log, the server's in server.log)."""
    own = folder / label.replace(" ", "-")
    env = {**env, "FORUM_INSTANCE_PATH": str(own / "instance"),
           "FORUM_DATABASE_URL": env.get("FORUM_DATABASE_URL") or f"sqlite:///{own / 'forum.db'}"}
    server, base = start_server(own, env)
    try:
        with open(own / "schemathesis.log", "w") as output:
            status, statuses = schemathesis(base, email, args, folder, label, output)
    finally:
        stop(server)
    return status, statuses, own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("CONFORMANCE_EXAMPLES", 15)),
                        help="test cases per operation and phase (default 15)")
    parser.add_argument("--seed", type=int, default=20261201)
    # One worker: CPython 3.11 < 3.11.9 can fail Hypothesis' ast.parse in concurrent threads
    # ("AST constructor recursion depth mismatch"), and the server has one process anyway.
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="with --database-url: the server's port (default: free)")
    parser.add_argument("--database-url", default="",
                        help="one database for both personas, one after the other (default: a new SQLite file "
                             "per persona, the two side by side)")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the databases and logs")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="forum-conformance-"))
    env = {**os.environ, "FORUM_SECRET_KEY": secrets.token_hex(32),
           # The login limit would answer most generated token requests with 429 and leave the
           # endpoint itself untested; 429 stays documented. The per-account limit on failed password
           # checks would lock the persona out after ten generated wrong passwords (PUT /me/password,
           # DELETE /me), and with it the token the run fetches again after a revocation.
           "FORUM_LOGIN_RATE_LIMIT": "10000 per minute", "FORUM_ACCOUNT_PASSWORD_LIMIT": "100000 per minute"}
    for name in ("FORUM_BASE_URL", "FORUM_MESSAGE_QUEUE", "FORUM_RATELIMIT_STORAGE_URL", "FORUM_MAIL_URL",
                 "FORUM_DATABASE_URL"):
        env.pop(name, None)
    if args.database_url:
        env["FORUM_DATABASE_URL"] = args.database_url
        if args.port:
            env["FORUM_CONFORMANCE_PORT"] = str(args.port)
    started = time.monotonic()
    # The document (validated, and the schemathesis.toml derived from it) from a server of its own.
    server, base = start_server(folder / "document", {**env, "FORUM_INSTANCE_PATH": str(folder / "document"),
                                                      "FORUM_DATABASE_URL": f"sqlite:///{folder / 'document.db'}"})
    try:
        validate_document(base, folder)
    finally:
        stop(server)
    write_config(folder)
    document = json.loads((folder / "openapi.json").read_text())
    # Side by side on their own SQLite databases; one after the other on a database given (the
    # managing director second: it may suspend people).
    with ThreadPoolExecutor(max_workers=1 if args.database_url else len(PERSONAS)) as pool:
        runs = [pool.submit(persona_run, label, email, args, folder, env) for label, email in PERSONAS]
    failed, errors = [], []
    for (label, _), done in zip(PERSONAS, runs):
        status, statuses, own = done.result()
        print((own / "schemathesis.log").read_text(), end="", flush=True)
        if coverage(document, statuses, label) or status != 0:
            failed.append(label)
        errors += [line for line in (own / "server.log").read_text().splitlines() if "Traceback" in line]
    print(f"conformance: {time.monotonic() - started:.0f} s, server tracebacks: {len(errors)}")
    print(f"conformance: {len(PERSONAS) - len(failed)} passed, {len(failed)} failed", flush=True)
    if failed or errors or args.keep:
        print(f"conformance: databases, server logs and reports kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
