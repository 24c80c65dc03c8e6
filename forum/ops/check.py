"""`forum check`: is this configuration safe for production? One line per problem, naming the variable.

The check reads the environment only (as `forum serve` would get it), never the app: a configuration
too broken to build the app (no secret key in production) is exactly what it must explain. `forum
serve` runs the same check in production and refuses to start when it finds anything.

What a command line cannot see is the traffic: whether requests arrive with `X-Forwarded-*` headers
while `FORUM_TRUSTED_PROXIES` is 0 (a proxy in front, whose client addresses the rate limits then
never see). The running forum notes that once per process (forum/urls.py) in a file in the instance
folder, `forwarded-headers-seen`, and in `GET /healthz`; the check reads the file. Since any
visitor can send such a header, `forum serve` only warns about it and starts.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import click

from config import ROOT, Config, _base_url

from ..urls import FORWARDED_MARKER
SECRET_MIN_LENGTH = 32


def instance_folder(env: Mapping[str, str]) -> Path:
    return Path(env.get("FORUM_INSTANCE_PATH") or ROOT / "instance")


def worker_count(value: str | None) -> int | None:
    """FORUM_WORKERS / `--workers` as `forum serve` reads it: N ≥ 1, or `auto` (one per CPU core this
    process may use); None when absent or not understood."""
    value = (value or "").strip().lower()
    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(value) if value.isdigit() and int(value) >= 1 else None


def workers_argument(args: list[str]) -> int | None:
    """`--workers N` (or `--workers=N`, N may be `auto`) from `forum serve`'s arguments, else None."""
    for i, arg in enumerate(args):
        if arg.startswith("--workers="):
            return worker_count(arg.partition("=")[2])
        if arg == "--workers" and i + 1 < len(args):
            return worker_count(args[i + 1])
    return None


def _whole(env: Mapping[str, str], name: str, default: int, found: list[str], minimum: int = 0) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        found.append(f"{name}: '{value}' is not a whole number of at least {minimum}.")
        return default
    return int(value)


def problems(env: Mapping[str, str] | None = None, workers: int | None = None, traffic: bool = True) -> list[str]:
    """Every problem of the configuration in `env` (default: os.environ) for production, one line each.
    `workers`: the number of `forum serve` processes; default FORUM_WORKERS (1). `traffic`: also what
    the running forum noticed (traffic_warnings); `forum serve` asks without it."""
    env = os.environ if env is None else env
    found: list[str] = []
    mode = (env.get("FORUM_ENV") or "development").strip()
    production = mode == "production"
    if not production:
        found.append(f"FORUM_ENV: is '{mode}'; a public installation runs with FORUM_ENV=production "
                     "(Secure cookies, only FORUM_BASE_URL's host served).")
    secret = env.get("FORUM_SECRET_KEY") or ""
    if production and not secret:
        found.append("FORUM_SECRET_KEY: missing; set a long random key, the same for every process "
                     "(python3 -c 'import secrets; print(secrets.token_hex(32))').")
    elif production and (len(secret) < SECRET_MIN_LENGTH or "CHANGE-ME" in secret):
        found.append(f"FORUM_SECRET_KEY: shorter than {SECRET_MIN_LENGTH} characters or still the example's "
                     "placeholder; anyone who guesses it can sign in as anybody.")
    try:
        base = _base_url(env.get("FORUM_BASE_URL"))
    except RuntimeError as err:
        base = None
        found.append(f"FORUM_BASE_URL: {err}.")
    else:
        if production and not base:
            found.append("FORUM_BASE_URL: missing; every link in mails is built from it "
                         "(e.g. https://forum.braunschweig.de).")
        elif production and base and not base.startswith("https://"):
            found.append(f"FORUM_BASE_URL: '{base}' is http; production needs https (Secure cookies, HSTS).")

    if workers is None and (env.get("FORUM_WORKERS") or "").strip():
        workers = worker_count(env.get("FORUM_WORKERS"))
        if workers is None:
            found.append(f"FORUM_WORKERS: '{env.get('FORUM_WORKERS')}' is neither a whole number of at least 1 "
                         "nor 'auto'.")
    workers = workers or 1
    if workers > 1:
        database = env.get("FORUM_DATABASE_URL") or ""
        if not database or database.startswith("sqlite"):
            found.append(f"FORUM_DATABASE_URL: SQLite with {workers} workers; several processes need PostgreSQL "
                         "(postgresql+psycopg://…).")
        if not env.get("FORUM_MESSAGE_QUEUE"):
            found.append(f"FORUM_MESSAGE_QUEUE: missing with {workers} workers; live messages would reach only "
                         "the clients of the process that sent them (redis://127.0.0.1:6379/0).")
        if (env.get("FORUM_RATELIMIT_STORAGE_URL") or "memory://").startswith("memory://"):
            found.append(f"FORUM_RATELIMIT_STORAGE_URL: rate limits in memory with {workers} workers; each process "
                         f"counts alone, so every limit is {workers} times as high (use Redis).")
    if production and not env.get("FORUM_MAIL_URL"):
        found.append(f"FORUM_MAIL_URL: missing; mails are written to {instance_folder(env) / 'outbox'} "
                     "instead of being sent (smtp://user:password@host:587).")

    _whole(env, "FORUM_TRUSTED_PROXIES", 0, found)
    named = {line.split(":", 1)[0] for line in found}
    if production:
        found += placeholders(env)
    # everything the app's own configuration (config.py, Config.from_env) cannot use: the same parsing
    # `forum serve` does, so what passes here also starts; what the lines above said is not said twice
    found += [f"{name}: {message}." for name, message in Config.problems(env) if name not in named]
    if traffic:
        found += traffic_warnings(env)
    return found


PLACEHOLDER = "CHANGE-ME"
# RFC 2606/6761: names under .example never resolve; deploy/forum.env.example uses them as placeholders.
EXAMPLE_DOMAIN = ".example"


def _example_host(host: str | None) -> bool:
    host = (host or "").strip().rstrip(".").lower()
    return host == EXAMPLE_DOMAIN[1:] or host.endswith(EXAMPLE_DOMAIN)


def placeholders(env: Mapping[str, str]) -> list[str]:
    """Values still as deploy/forum.env.example has them (production only): any FORUM_* value with
    CHANGE-ME, and the public address or the mail server or sender under the reserved .example
    domain, which never resolves (nobody could reach the forum, no mail would arrive). Problems,
    not warnings: with them the forum cannot do its job."""
    from email.utils import parseaddr
    from urllib.parse import urlsplit

    found = []
    for name in sorted(env):
        if name.startswith("FORUM_") and name != "FORUM_SECRET_KEY" and PLACEHOLDER in (env.get(name) or ""):
            found.append(f"{name}: still holds the example's placeholder {PLACEHOLDER}; fill in the real value.")
    hosts = {"FORUM_BASE_URL": (env.get("FORUM_BASE_URL") or "", "the public address"),
             "FORUM_MAIL_URL": (env.get("FORUM_MAIL_URL") or "", "the mail server")}
    for name, (value, what) in hosts.items():
        try:
            host = urlsplit(value.strip()).hostname
        except ValueError:
            continue
        if _example_host(host) and not any(line.startswith(f"{name}:") for line in found):
            found.append(f"{name}: {what} '{host}' is the example's; names under .example never resolve.")
    sender = parseaddr(env.get("FORUM_MAIL_FROM") or "")[1]
    if _example_host(sender.rpartition("@")[2]):
        found.append(f"FORUM_MAIL_FROM: the sender '{sender}' is the example's; names under .example never "
                     "resolve, so mail servers refuse or bin its mails.")
    return found


def traffic_warnings(env: Mapping[str, str]) -> list[str]:
    """What the running forum noticed about its traffic (forum/urls.py): requests with X-Forwarded-*
    headers while FORUM_TRUSTED_PROXIES is 0. Anyone can send such a header, so this is never a
    reason for `forum serve` to refuse to start (it prints it as a warning); `forum check` reports it."""
    value = (env.get("FORUM_TRUSTED_PROXIES") or "").strip()
    if value and (not value.isdigit() or int(value) > 0):
        return []  # proxies counted, or a value problems() names on its own
    seen = forwarded_headers_seen(env)
    if not seen:
        return []
    return [f"FORUM_TRUSTED_PROXIES: is 0, but requests with {', '.join(seen.get('headers', []))} arrived "
            f"(first at {seen.get('at', '?')}, noted in {instance_folder(env) / FORWARDED_MARKER}): "
            "set it to the number of proxies in front (1 for deploy/nginx/forum.conf), so rate limits "
            "see the clients' addresses; if no proxy stands in front (a visitor sent the header), delete "
            "that file (docs/operations.md, \"A proxy the forum does not count\")."]


def forwarded_headers_seen(env: Mapping[str, str]) -> dict | None:
    """What the running forum noted about ignored X-Forwarded-* headers, or None."""
    try:
        return json.loads((instance_folder(env) / FORWARDED_MARKER).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"headers": ["X-Forwarded-*"], "at": "?"}


EX_CONFIG = 78  # sysexits.h; forum.service's RestartPreventExitStatus=78 stops a restart loop


def refuse_unsafe_production(workers: int | None = None, env: Mapping[str, str] | None = None) -> None:
    """Exit with status 78, after printing one line per problem, when FORUM_ENV=production fails the
    check, or (any FORUM_ENV) when a variable cannot be parsed at all (`forum serve` calls it before
    the app is built, so no configuration error ends in a traceback). What the traffic showed
    (traffic_warnings) is printed as a warning only: one request with a forwarding header must
    not keep the forum down after its next restart."""
    env = os.environ if env is None else env
    if (env.get("FORUM_ENV") or "").strip() != "production":
        found = [f"{name}: {message}." for name, message in Config.problems(env)]
    else:
        found = problems(env, workers, traffic=False)
    if found:
        for line in found:
            click.echo(line, err=True)
        click.echo("forum serve: not started, the configuration fails `forum check` (see above).", err=True)
        raise SystemExit(EX_CONFIG)
    for line in traffic_warnings(env):  # what a visitor's request can cause never keeps the forum down
        click.echo(f"warning: {line}", err=True)


@click.command("check")
@click.option("--workers", default=None, metavar="N|auto",
              help="Processes `forum serve` will run (default: FORUM_WORKERS, else 1).")
def check_command(workers):
    """Check the configuration in the environment for production: one line per problem, naming the
    variable; exit status 0 only when nothing is wrong."""
    count = worker_count(workers)
    if workers is not None and count is None:
        raise click.BadParameter(f"{workers!r} is neither a whole number of at least 1 nor 'auto'",
                                 param_hint="--workers")
    found = problems(os.environ, count)
    for line in found:
        click.echo(line)
    if found:
        raise SystemExit(1)
    click.echo("forum check: no problems found.", err=True)
