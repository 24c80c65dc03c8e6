"""One JSON line per HTTP request on the `forum.request` logger.

Fields: `method`, `path` (never the query string; URL parts that are secrets, such as the
e-mail confirmation token, are replaced by `[redacted]`), `endpoint`, `status`, `duration_ms`,
`user_id` (only when the request already loaded its user; logging never queries the database)
and `request_id` (the caller's `X-Request-ID` when it is a sane value, else a new one; it is
echoed in the response header). No IP address, user agent or other personal data.

Socket.IO traffic (`/socket.io/…`) is handled before Flask and is not logged here; the
metrics endpoint counts live sockets instead.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from urllib.parse import quote

from flask import Flask, Response, g, request

log = logging.getLogger("forum.request")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# URL variables whose values must never reach a log line.
SECRET_VIEW_ARGS = frozenset({"token", "secret", "key", "code"})


def _start() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex


def loggable_path() -> str:
    """The request path with secret URL variables replaced (no query string)."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and value:
            text = str(value)
            path = path.replace(quote(text, safe=""), "[redacted]").replace(text, "[redacted]")
    return path


def loaded_user_id() -> int | None:
    """The signed-in user's id if Flask-Login already loaded it in this request (no query here)."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "id", None)


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started is not None else None
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers.setdefault(REQUEST_ID_HEADER, request_id)
    g.request_duration_ms = duration_ms
    if log.isEnabledFor(logging.INFO):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
            "method": request.method,
            "path": loggable_path(),
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": loaded_user_id(),
            "request_id": request_id,
        }
        log.info(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return response


def configure_stdout_logging(level: int = logging.INFO) -> None:
    """Send `forum.request` lines (bare JSON) to stdout and other forum logs to stderr.

    Called by `forum serve`; tests and the CLI leave logging alone."""
    request_handler = logging.StreamHandler(sys.stdout)
    request_handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [request_handler]
    log.setLevel(level)
    log.propagate = False
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    # python-socketio/engineio gave themselves a stderr handler when the root logger had none;
    # now it has one, so theirs would print every line twice.
    for name in ("socketio.server", "engineio.server"):
        logging.getLogger(name).handlers.clear()


def init_app(app: Flask) -> None:
    # First in, last out: the start runs before every other hook, the log line after them.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
