"""Database outages end in a clear 503 (HTML page or JSON error), never a stack trace.

`forum.errors` maps OperationalError/InterfaceError to 503 and calls `database_down_response`.
That response must not touch the database again: the page's layout asks for the signed-in
user and the unread count, which would raise a second time inside the error handler and turn
the 503 into a bare 500. So the request's user is replaced by an anonymous one first, and if
rendering still fails (some context processor queries the database), a static page is sent.

Recovery needs no restart: a pooled connection idle for 2 s is pinged on checkout and replaced
when dead, a dead connection met by a request makes SQLAlchemy replace the whole pool
(forum/database.py `_ping_after_idle`), and the failed request's transaction is rolled back, so
nothing half-written remains.
"""
from __future__ import annotations

import logging
import time

from flask import Response, current_app, g, make_response, request

log = logging.getLogger("forum.outage")

STATIC_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Vorübergehend nicht erreichbar</title>
<link rel="stylesheet" href="/static/css/forum.css"></head>
<body><main id="main"><h1>Vorübergehend nicht erreichbar (503)</h1>
<p>Der Dienst ist gerade nicht erreichbar. Bitte versuche es gleich noch einmal.</p>
<p><a href="/">Zur Startseite</a></p></main></body></html>
"""


class Throttle:
    """At most one report per `interval` seconds, counting what it held back in between: an outage
    is one line now and then, not one per request (here) or per mail worker round (forum/mail/loop.py)."""

    def __init__(self, interval: float):
        self.interval, self.last, self.suppressed = interval, None, 0

    def due(self) -> int | None:
        """None while the last report is younger than the interval (this one is held back); otherwise
        how many were held back since it, and the report counts as made now."""
        now = time.monotonic()
        if self.last is not None and now - self.last < self.interval:
            self.suppressed += 1
            return None
        held, self.last, self.suppressed = self.suppressed, now, 0
        return held


def first_line(err: Exception) -> str:
    """The first line of what the database driver said (at most 200 characters): never the statement
    or its parameters."""
    lines = str(getattr(err, "orig", None) or err).strip().splitlines()
    return lines[0][:200] if lines else ""


LOG_INTERVAL = 10.0
_throttle = Throttle(LOG_INTERVAL)


def _log_throttled(err: Exception) -> None:
    """One error line per interval (with how many failures it stands for), not one per request."""
    more = _throttle.due()
    if more is None:
        return
    log.error("database unavailable on %s %s: %s: %s%s", request.method, request.path, err.__class__.__name__,
              first_line(err), f" (and {more} more failed requests since the last report)" if more else "")


def forget_user() -> None:
    """Treat the rest of this request as anonymous without asking the database."""
    from ..extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def database_down_response(err: Exception):
    """The 503 answer for a request that met an unreachable database."""
    from ..errors import error_response, wants_json

    _log_throttled(err)
    g.database_down = True
    forget_user()
    try:
        from .metrics import metrics_for

        metrics_for(current_app).database_errors.inc()
    except Exception:  # noqa: BLE001
        pass
    if wants_json():
        response = error_response(503, "database_unavailable")
    else:
        try:
            response = error_response(503, "database_unavailable")
        except Exception:  # noqa: BLE001 - the layout itself needed the database
            log.warning("error page needed the database; sent the static 503 page")
            response = Response(STATIC_PAGE, status=503, mimetype="text/html")
    response = make_response(response)
    response.headers["Retry-After"] = "15"
    return response
