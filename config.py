"""Configuration classes. Values come from FORUM_* environment variables, read when a
config object is made (never at import time), so tests and the CLI can build their own."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


def _instance_path() -> Path:
    return Path(os.environ.get("FORUM_INSTANCE_PATH", ROOT / "instance"))


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


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number (0 or more)")
    return int(value)


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
    def from_env(cls, **overrides) -> "Config":
        env = os.environ
        cfg = cls()
        instance = _instance_path()
        cfg.INSTANCE_PATH = str(instance)
        cfg.ENV_NAME = env.get("FORUM_ENV", "development")
        if cfg.ENV_NAME not in ("development", "production"):
            raise RuntimeError("FORUM_ENV must be 'development' or 'production'")
        secret = env.get("FORUM_SECRET_KEY")
        if not secret:
            if cfg.ENV_NAME == "production":
                raise RuntimeError("FORUM_SECRET_KEY is required when FORUM_ENV=production")
            secret = _persistent_secret(instance)
        cfg.SECRET_KEY = secret
        cfg.SQLALCHEMY_DATABASE_URI = env.get("FORUM_DATABASE_URL") or f"sqlite:///{instance / 'forum.db'}"
        cfg.MESSAGE_QUEUE = env.get("FORUM_MESSAGE_QUEUE") or None
        cfg.RATELIMIT_STORAGE_URI = env.get("FORUM_RATELIMIT_STORAGE_URL") or "memory://"
        if cfg.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")):
            # A dead Redis must cost a request a moment, not a hung socket.
            cfg.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
        cfg.METRICS_TOKEN = env.get("FORUM_METRICS_TOKEN") or None
        metrics_port = env.get("FORUM_METRICS_PORT", "").strip()
        cfg.METRICS_PORT = int(metrics_port) if metrics_port else None
        cfg.METRICS_HOST = env.get("FORUM_METRICS_HOST", "").strip() or cls.METRICS_HOST
        origins = env.get("FORUM_ALLOWED_ORIGINS", "").strip()
        cfg.ALLOWED_ORIGINS = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()] or None
        cfg.MAIL_URL = env.get("FORUM_MAIL_URL") or None
        if cfg.MAIL_URL:
            from forum.mail.transport import check_url

            problem = check_url(cfg.MAIL_URL)
            if problem:
                raise RuntimeError(problem)
        cfg.MAIL_SENDER = env.get("FORUM_MAIL_FROM", "").strip() or cls.MAIL_SENDER
        worker = env.get("FORUM_MAIL_WORKER", "on").strip().lower()
        if worker not in ("on", "off"):
            raise RuntimeError("FORUM_MAIL_WORKER must be 'on' or 'off'")
        cfg.MAIL_WORKER = worker == "on"
        poll = env.get("FORUM_MAIL_POLL_SECONDS", "").strip()
        try:
            cfg.MAIL_POLL_SECONDS = float(poll) if poll else cls.MAIL_POLL_SECONDS
        except ValueError:
            raise RuntimeError("FORUM_MAIL_POLL_SECONDS must be a number of seconds") from None
        cfg.BASE_URL = _base_url(env.get("FORUM_BASE_URL"))
        if cfg.ENV_NAME == "production" and not cfg.BASE_URL:
            # links in mails must never follow a request's Host header, and only this host is served
            raise RuntimeError("FORUM_BASE_URL is required when FORUM_ENV=production")
        cfg.TRUSTED_PROXIES = _whole_number("FORUM_TRUSTED_PROXIES", cls.TRUSTED_PROXIES)
        cfg.OPEN_DATA_MAX_AGE = _whole_number("FORUM_OPEN_DATA_MAX_AGE", cls.OPEN_DATA_MAX_AGE)
        # Seconds the anonymous proposal list and search are served from the per-process cache (0: off).
        cfg.PROPOSAL_LIST_CACHE_SECONDS = _whole_number("FORUM_PROPOSAL_LIST_CACHE_SECONDS",
                                                        cls.PROPOSAL_LIST_CACHE_SECONDS)
        # live events per person: "<count>/<seconds>" (docs/live.md)
        cfg.LIVE_POST_LIMIT = env.get("FORUM_LIVE_POST_LIMIT") or "10/10"
        cfg.LIVE_EVENT_LIMIT = env.get("FORUM_LIVE_EVENT_LIMIT") or "60/10"
        cfg.SOCKETIO_ASYNC_MODE = env.get("FORUM_ASYNC_MODE", cls.SOCKETIO_ASYNC_MODE)
        cfg.LOGIN_RATE_LIMIT = env.get("FORUM_LOGIN_RATE_LIMIT") or cls.LOGIN_RATE_LIMIT
        cfg.ACCOUNT_PASSWORD_LIMIT = env.get("FORUM_ACCOUNT_PASSWORD_LIMIT") or cls.ACCOUNT_PASSWORD_LIMIT
        cfg.PASSWORD_RESET_LIMIT = env.get("FORUM_PASSWORD_RESET_LIMIT") or cls.PASSWORD_RESET_LIMIT
        cfg.UPLOAD_MAX_MB = _whole_number("FORUM_UPLOAD_MAX_MB", cls.UPLOAD_MAX_MB)
        if cfg.UPLOAD_MAX_MB < 1:
            raise RuntimeError("FORUM_UPLOAD_MAX_MB must be a whole number of at least 1")
        cfg.UPLOAD_PATH = env.get("FORUM_UPLOAD_PATH", "").strip() or None
        threshold = env.get("FORUM_REPORT_THRESHOLD", "").strip()
        if threshold:
            if not threshold.isdigit() or int(threshold) < 1:
                raise RuntimeError("FORUM_REPORT_THRESHOLD must be a whole number of at least 1")
            cfg.REPORT_THRESHOLD = int(threshold)
        if cfg.ENV_NAME == "production":
            cfg.SESSION_COOKIE_SECURE = True
            cfg.REMEMBER_COOKIE_SECURE = True
        for key, value in overrides.items():
            setattr(cfg, key, value)
        return cfg


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
