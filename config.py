"""Configuration classes. Values come from FORUM_* environment variables, read when a
config object is made (never at import time), so tests and the CLI can build their own."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    """One or more FORUM_* variables that cannot be used; `problems` holds one (variable, message)
    pair each, and the text is one line per problem, starting with the variable's name."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{name}: {message}" for name, message in problems))


class _Invalid(ValueError):
    """A variable's value cannot be used (raised by the parsers below, collected by from_env)."""


def _instance_path(env=None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("FORUM_INSTANCE_PATH") or ROOT / "instance")


def _base_url(value: str | None) -> str | None:
    """FORUM_BASE_URL checked: an http(s) address with a host, perhaps a path, nothing else."""
    value = (value or "").strip().rstrip("/")
    if not value:
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query
            or parts.fragment or parts.username or parts.password):
        raise RuntimeError("FORUM_BASE_URL must be an address like https://forum.braunschweig.de "
                           "(http or https, a host, optionally a path; no query)")
    return value


def _whole_number(env, name: str, default: int, minimum: int = 0) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise _Invalid(f"must be a whole number ({minimum} or more), not '{value}'")
    return int(value)


def _port(env, name: str) -> int | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise _Invalid(f"must be a port number (1-65535), not '{value}'")
    return int(value)


_ON = {"on", "true", "yes", "1"}
_OFF = {"off", "false", "no", "0"}


def _switch(env, name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _ON | _OFF:
        raise _Invalid(f"must be 'on' or 'off' (or true/false, yes/no, 1/0), not '{value}'")
    return value in _ON


def _rate_limit(env, name: str, default: str) -> str:
    """A limit string as Flask-Limiter reads it ("10 per minute", "5 per 15 minutes; 100 per day"),
    checked with the `limits` library's own parser: Flask-Limiter only logs a string it cannot parse
    and then limits nothing."""
    value = env.get(name, "").strip()
    if not value:
        return default
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise _Invalid(f"'{value}' is no rate limit; write e.g. '10 per minute' or '5 per 15 minutes'") from None
    return value


def _live_limit(env, name: str, default: str) -> str:
    """"<count>/<seconds>" (forum/live/guard.py), both at least 1."""
    value = env.get(name, "").strip()
    if not value:
        return default
    count, slash, window = value.partition("/")
    if not (slash and count.strip().isdigit() and window.strip().isdigit()
            and int(count) >= 1 and int(window) >= 1):
        raise _Invalid(f"must be '<count>/<seconds>', e.g. '{default}', not '{value}'")
    return value


def _mail_url(env) -> str | None:
    value = env.get("FORUM_MAIL_URL") or None
    if value:
        from forum.mail.transport import check_url

        problem = check_url(value)
        if problem:
            raise _Invalid(problem.removeprefix("FORUM_MAIL_URL").strip())
    return value


def _database_url(env, instance: Path) -> str:
    value = env.get("FORUM_DATABASE_URL") or f"sqlite:///{instance / 'forum.db'}"
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except (ArgumentError, ValueError):
        raise _Invalid("is no SQLAlchemy URL (e.g. postgresql+psycopg://forum@/forum)") from None
    return value


def _persistent_secret(instance: Path) -> str:
    """A development key generated once and kept in the instance folder."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class Config:
    """Base configuration; `from_env()` builds one from the environment."""

    ENV_NAME = "development"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # pooled connections are pinged after 2 s idle (forum/database.py)
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")
    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_RATE_LIMIT = "10 per minute"
    # failed password checks per account (login, token, password change, deletion), any client
    ACCOUNT_PASSWORD_LIMIT = "10 per 15 minutes"
    PASSWORD_RESET_LIMIT = "5 per 15 minutes"  # reset requests per client address
    PASSWORD_RESET_MAIL_LIMIT = "3 per hour"  # reset mails per e-mail address
    RATELIMIT_HEADERS_ENABLED = True
    # Limits fail open when their storage is down; login fails closed (forum/ops/ratelimit.py).
    RATELIMIT_SWALLOW_ERRORS = True
    METRICS_TOKEN: str | None = None
    METRICS_PORT: int | None = None
    METRICS_HOST = "127.0.0.1"
    SOCKETIO_ASYNC_MODE = "threading"
    MESSAGE_QUEUE = None
    ALLOWED_ORIGINS: list[str] | None = None
    MAIL_URL = None
    BASE_URL: str | None = None  # FORUM_BASE_URL: every absolute link is built from it (forum/urls.py)
    # FORUM_TRUSTED_PROXIES: reverse proxies in front whose X-Forwarded-For/-Proto/-Host count (forum/urls.py)
    TRUSTED_PROXIES = 0
    PROPOSAL_LIST_CACHE_SECONDS = 2  # FORUM_PROPOSAL_LIST_CACHE_SECONDS; 0 switches the list cache off
    MAIL_SENDER = "Smart-City-Forum <forum@localhost>"  # FORUM_MAIL_FROM
    MAIL_WORKER = True  # FORUM_MAIL_WORKER=off: `forum serve` starts no mail worker (a separate one runs)
    MAIL_POLL_SECONDS = 5.0  # FORUM_MAIL_POLL_SECONDS: how often a worker looks at the outbox
    PER_PAGE_MAX = 100
    REPORT_THRESHOLD = 3  # reports from different people that hide an item pending review
    UPLOAD_MAX_MB = 20  # FORUM_UPLOAD_MAX_MB: the largest accepted file (forum/files/)
    UPLOAD_PATH: str | None = None  # FORUM_UPLOAD_PATH: where files are stored; None = <instance>/uploads
    # FORUM_OPEN_DATA_MAX_AGE: seconds an open data file is served before it is rebuilt in the
    # background (forum/controlling/open_data_files.py); 0 builds every download in its request
    OPEN_DATA_MAX_AGE = 300

    @classmethod
    def from_env(cls, env=None, *, check_only: bool = False, **overrides) -> "Config":
        """The configuration of `env` (default: os.environ). Every variable is parsed, and all that
        cannot be used are raised together as one ConfigError (a line per variable). `forum check`
        calls it with `check_only` (no development key is written to the instance folder)."""
        env = os.environ if env is None else env
        cfg = cls()
        found: list[tuple[str, str]] = []

        def read(name, parse, *args):
            try:
                return parse(env, name, *args)
            except _Invalid as err:
                found.append((name, str(err)))
                return None  # never used: from_env raises ConfigError below

        instance = _instance_path(env)
        cfg.INSTANCE_PATH = str(instance)
        cfg.ENV_NAME = env.get("FORUM_ENV", "development")
        if cfg.ENV_NAME not in ("development", "production"):
            found.append(("FORUM_ENV", f"must be 'development' or 'production', not '{cfg.ENV_NAME}'"))
        secret = env.get("FORUM_SECRET_KEY")
        if not secret:
            if cfg.ENV_NAME == "production":
                found.append(("FORUM_SECRET_KEY", "is required when FORUM_ENV=production"))
            elif not check_only:
                secret = _persistent_secret(instance)
        cfg.SECRET_KEY = secret
        cfg.SQLALCHEMY_DATABASE_URI = read("FORUM_DATABASE_URL", lambda e, _n: _database_url(e, instance))
        cfg.MESSAGE_QUEUE = env.get("FORUM_MESSAGE_QUEUE") or None
        cfg.RATELIMIT_STORAGE_URI = env.get("FORUM_RATELIMIT_STORAGE_URL") or "memory://"
        if cfg.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")):
            # A dead Redis must cost a request a moment, not a hung socket.
            cfg.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
        cfg.METRICS_TOKEN = env.get("FORUM_METRICS_TOKEN") or None
        cfg.METRICS_PORT = read("FORUM_METRICS_PORT", _port)
        cfg.METRICS_HOST = env.get("FORUM_METRICS_HOST", "").strip() or cls.METRICS_HOST
        origins = env.get("FORUM_ALLOWED_ORIGINS", "").strip()
        cfg.ALLOWED_ORIGINS = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()] or None
        cfg.MAIL_URL = read("FORUM_MAIL_URL", lambda e, _n: _mail_url(e))
        cfg.MAIL_SENDER = env.get("FORUM_MAIL_FROM", "").strip() or cls.MAIL_SENDER
        cfg.MAIL_WORKER = read("FORUM_MAIL_WORKER", _switch, True)
        poll = env.get("FORUM_MAIL_POLL_SECONDS", "").strip()
        try:
            cfg.MAIL_POLL_SECONDS = float(poll) if poll else cls.MAIL_POLL_SECONDS
            if not cfg.MAIL_POLL_SECONDS > 0:
                raise ValueError
        except ValueError:
            found.append(("FORUM_MAIL_POLL_SECONDS", f"must be a number of seconds above 0, not '{poll}'"))
            cfg.MAIL_POLL_SECONDS = cls.MAIL_POLL_SECONDS
        try:
            cfg.BASE_URL = _base_url(env.get("FORUM_BASE_URL"))
        except RuntimeError as err:
            found.append(("FORUM_BASE_URL", str(err).removeprefix("FORUM_BASE_URL ")))
            cfg.BASE_URL = None
        else:
            if cfg.ENV_NAME == "production" and not cfg.BASE_URL:
                # links in mails must never follow a request's Host header, and only this host is served
                found.append(("FORUM_BASE_URL", "is required when FORUM_ENV=production"))
        cfg.TRUSTED_PROXIES = read("FORUM_TRUSTED_PROXIES", _whole_number, cls.TRUSTED_PROXIES)
        cfg.OPEN_DATA_MAX_AGE = read("FORUM_OPEN_DATA_MAX_AGE", _whole_number, cls.OPEN_DATA_MAX_AGE)
        # Seconds the anonymous proposal list and search are served from the per-process cache (0: off).
        cfg.PROPOSAL_LIST_CACHE_SECONDS = read("FORUM_PROPOSAL_LIST_CACHE_SECONDS", _whole_number,
                                               cls.PROPOSAL_LIST_CACHE_SECONDS)
        # live events per person: "<count>/<seconds>" (docs/live.md)
        cfg.LIVE_POST_LIMIT = read("FORUM_LIVE_POST_LIMIT", _live_limit, "10/10")
        cfg.LIVE_EVENT_LIMIT = read("FORUM_LIVE_EVENT_LIMIT", _live_limit, "60/10")
        cfg.SOCKETIO_ASYNC_MODE = env.get("FORUM_ASYNC_MODE", cls.SOCKETIO_ASYNC_MODE)
        cfg.LOGIN_RATE_LIMIT = read("FORUM_LOGIN_RATE_LIMIT", _rate_limit, cls.LOGIN_RATE_LIMIT)
        cfg.ACCOUNT_PASSWORD_LIMIT = read("FORUM_ACCOUNT_PASSWORD_LIMIT", _rate_limit, cls.ACCOUNT_PASSWORD_LIMIT)
        cfg.PASSWORD_RESET_LIMIT = read("FORUM_PASSWORD_RESET_LIMIT", _rate_limit, cls.PASSWORD_RESET_LIMIT)
        cfg.UPLOAD_MAX_MB = read("FORUM_UPLOAD_MAX_MB", _whole_number, cls.UPLOAD_MAX_MB, 1)
        cfg.UPLOAD_PATH = env.get("FORUM_UPLOAD_PATH", "").strip() or None
        cfg.REPORT_THRESHOLD = read("FORUM_REPORT_THRESHOLD", _whole_number, cls.REPORT_THRESHOLD, 1)
        if cfg.ENV_NAME == "production":
            cfg.SESSION_COOKIE_SECURE = True
            cfg.REMEMBER_COOKIE_SECURE = True
        if found:
            raise ConfigError(found)
        for key, value in overrides.items():
            setattr(cfg, key, value)
        return cfg

    @classmethod
    def problems(cls, env=None) -> list[tuple[str, str]]:
        """(variable, message) for every FORUM_* variable `from_env` could not use; nothing is written."""
        try:
            cls.from_env(env, check_only=True)
        except ConfigError as err:
            return err.problems
        return []


class TestConfig(Config):
    """Fast, isolated settings for the test suite."""

    TESTING = True
    PROPOSAL_LIST_CACHE_SECONDS = 0  # tests switch it on where they test it
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    WTF_CSRF_ENABLED = False
    OPEN_DATA_MAX_AGE = 0  # open data built in each request (tests/controlling/test_open_data_files.py sets files)
    RATELIMIT_STORAGE_URI = "memory://"
    SECRET_KEY = "test-secret"
    ENV_NAME = "development"
