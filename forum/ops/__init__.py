"""Operations: what keeps the forum observable and recoverable in production.

- `requestlog`: one JSON line per HTTP request on the `forum.request` logger.
- `metrics`: Prometheus metrics per process, never public by default.
- `ratelimit`: what rate limiting does when its storage (Redis) is down.
- `sqlite_writes`: one write transaction at a time per process on SQLite (gevent-safe).
- `outage`: database outages end in a 503 page that does not touch the database.
- `backup`, `ledger`, `cli`: `forum backup` / `forum restore` and the account deletion ledger.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Install every operations hook on `app` (called once by the app factory)."""
    from . import ledger, metrics, ratelimit, requestlog, sqlite_writes

    requestlog.init_app(app)
    metrics.init_app(app)
    ratelimit.init_app(app)
    sqlite_writes.init_app(app)
    ledger.init_app(app)
