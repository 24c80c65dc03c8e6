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


_throttle = {"last": 0.0, "suppressed": 0}
LOG_INTERVAL = 10.0


def _log_throttled(err: Exception) -> None:
    """One error line per interval (with how many failures it stands for), not one per request."""
    now = time.monotonic()
    if now - _throttle["last"] < LOG_INTERVAL:
        _throttle["suppressed"] += 1
        return
    more = _throttle["suppressed"]
    _throttle.update(last=now, suppressed=0)
    log.error("database unavailable on %s %s: %s: %s%s", request.method, request.path, err.__class__.__name__,
              str(getattr(err, "orig", err)).strip().splitlines()[0][:200] if str(err) else "",
              f" (and {more} more failed requests since the last report)" if more else "")


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
