"""What rate limiting does when its storage (Redis) is down — a stated choice:

- Fail **closed** for signing in and the other credential endpoints (`RATELIMIT_FAIL_CLOSED`:
  login, registration, API token, confirmation resend, password recovery; every password check
  counts per account in the same storage and fails closed too, forum/accounts/credentials.py): without a working counter nothing stops
  password guessing, so a POST there answers 503 `login_unavailable` with a clear message
  until the storage is back.
- Fail **open** for everything else (reading, posting, voting): Flask-Limiter's
  `RATELIMIT_SWALLOW_ERRORS` lets the request through without counting it. An outage of the
  limiter must not take the forum's content down with it.

Flask-Limiter logs a full traceback for every swallowed error; during an outage that would
bury the log, so `_OutageLogFilter` keeps one short warning per 30 s and counts the rest in
the `forum_ratelimit_storage_errors_total` metric.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, current_app, make_response, request
from flask_babel import gettext as _

log = logging.getLogger("forum.ratelimit")

FAIL_CLOSED_DEFAULT = ("accounts.login", "accounts.register", "accounts.resend_confirmation", "api.create_token",
                       "accounts.forgot_password", "accounts.reset_password")


class _OutageLogFilter(logging.Filter):
    """Collapse Flask-Limiter's per-request storage tracebacks into one warning per interval."""

    def __init__(self, interval: float = 30.0):
        super().__init__()
        self.interval = interval
        self.last = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or "wallow" not in record.getMessage():
            return True
        _count("open")
        now = time.monotonic()
        if now - self.last < self.interval:
            return False
        self.last = now
        exc = record.exc_info[1] if record.exc_info else None
        record.msg = "rate-limit storage unreachable, limits fail open (login fails closed): %s"
        record.args = (exc.__class__.__name__ if exc else "unknown error",)
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _count(outcome: str) -> None:
    try:
        from .metrics import metrics_for

        metrics_for(current_app).ratelimit_storage_errors.labels(outcome).inc()
    except Exception:  # noqa: BLE001 - counting must never break a request
        pass


_last_refusal_log = [-1e9]


def storage_is_remote(app: Flask) -> bool:
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    return not uri.startswith("memory://")


def storage_available() -> bool:
    """Whether the limiter's storage answers now. Asked afresh on every credential POST: those
    are few (and each costs a password hash anyway), and a cached "yes" would let guesses
    through uncounted in the first moments of an outage."""
    from ..extensions import limiter

    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - any storage failure means "down"
        return False


def _fail_closed():
    app = current_app._get_current_object()
    if request.method != "POST" or request.endpoint not in app.config.get("RATELIMIT_FAIL_CLOSED", ()):
        return None
    if not storage_is_remote(app) or storage_available():
        return None
    from ..errors import error_response

    _count("closed")
    now = time.monotonic()
    if now - _last_refusal_log[0] >= 30:
        _last_refusal_log[0] = now
        log.warning("rate-limit storage down: refusing sign-ins such as %s until it is back (fails closed)",
                    request.endpoint)
    response = make_response(error_response(503, "login_unavailable", _(
        "Anmelden und Registrieren sind gerade nicht möglich, weil unser Schutz vor zu vielen Versuchen "
        "nicht erreichbar ist. Bitte versuche es in ein paar Minuten erneut.")))
    response.headers["Retry-After"] = "60"
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_FAIL_CLOSED", FAIL_CLOSED_DEFAULT)
    app.before_request(_fail_closed)
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(f, _OutageLogFilter) for f in limiter_log.filters):
        limiter_log.addFilter(_OutageLogFilter())
