"""The public address and who may claim it.

Absolute links: every link that leaves the site (mail, iCal, open data, OParl, unsubscribe) is built
here from `FORUM_BASE_URL`, never from the Host header of whoever made the request: anyone can send
any Host header, and a mail to a real person must not point to a host of their choosing.

Hosts: in production only the base URL's host is served (Flask's TRUSTED_HOSTS: any other Host
header is a 400), except `GET /healthz`, which load balancers and monitors call by address.

Proxies: X-Forwarded-For/-Proto/-Host are believed for exactly `FORUM_TRUSTED_PROXIES` hops
(werkzeug's ProxyFix); with 0 they are ignored, so a made-up header cannot escape a rate limit.
This module is the only place that reads the Host header or those headers (a test keeps it so).
With 0, the first request of a process that brings such headers is noted (a warning in the log, the
file `forwarded-headers-seen` in the instance folder, `GET /healthz`), so `forum check` can tell the
operator that a proxy stands in front whose client addresses are being ignored.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, has_request_context, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

_FALLBACK = "http://127.0.0.1:8000"
_ANY_HOST_PATHS = frozenset({"/healthz"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FORWARDED = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")
FORWARDED_MARKER = "forwarded-headers-seen"  # read by forum/ops/check.py
log = logging.getLogger("forum.urls")


def site_url() -> str:
    """The public address without a trailing slash: `FORUM_BASE_URL`; in development without it,
    the request's own address (or the local default outside a request)."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return _FALLBACK


def absolute(path: str) -> str:
    """`path` (a site path starting with `/`) as an absolute link."""
    return site_url() + path


def external_url(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` as an absolute link on the public address."""
    if has_request_context():
        path = url_for(endpoint, **values)
        if request.script_root and path.startswith(request.script_root):
            path = path[len(request.script_root):]  # the base URL already names the mount point
    else:  # CLI, background work: no request to build from, only the URL map
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return absolute(path)


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an address, as a browser writes it in an Origin header."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}"


def base_origin(app: Flask) -> str | None:
    base = app.config.get("BASE_URL")
    return origin_of(base) if base else None


def own_origin(environ) -> str:
    """This site's origin: that of `FORUM_BASE_URL` when set, else the request's own scheme and Host
    (as ProxyFix corrected them when proxies are trusted)."""
    return base_origin(current_app) or f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"


def trusted_hosts(app: Flask) -> list[str] | None:
    """The hosts this app answers for: in production the base URL's host alone; else any."""
    base = app.config.get("BASE_URL")
    if app.config.get("ENV_NAME") != "production" or not base:
        return None
    return [urlsplit(base).hostname]


class ForumRequest(Request):
    """Flask checks `trusted_hosts` when it routes a request; a health check is exempt, so a load
    balancer calling `http://10.0.0.5/healthz` still hears whether this process is well."""

    _trusted_hosts: list[str] | None = None

    @property
    def trusted_hosts(self) -> list[str] | None:
        if self.environ.get("PATH_INFO") in _ANY_HOST_PATHS and self.environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return None
        return self._trusted_hosts

    @trusted_hosts.setter
    def trusted_hosts(self, value: list[str] | None) -> None:
        self._trusted_hosts = value


def _foreign_host(_err: SecurityError):
    """A 400 for a Host this forum does not serve. No page template: without a trusted host Flask
    has no URL adapter, so nothing here may build a URL."""
    from .errors import wants_json

    message = _("Dieses Forum antwortet nur unter seiner eigenen Adresse.")
    if wants_json():
        return jsonify(error={"code": "unknown_host", "message": message}), 400
    return Response(message + "\n", status=400, mimetype="text/plain")


def forwarded_headers_ignored() -> bool:
    """True once this process has seen X-Forwarded-* headers it ignored (FORUM_TRUSTED_PROXIES=0)."""
    return bool(current_app.extensions.get("forum_forwarded_seen"))


def _note_ignored_forwarded_headers() -> None:
    """Once per process: log and note in the instance folder that forwarded headers arrive unbelieved."""
    if current_app.extensions.get("forum_forwarded_seen"):
        return
    names = [name for name in _FORWARDED if name in request.headers]
    if not names:
        return
    current_app.extensions["forum_forwarded_seen"] = names
    log.warning("FORUM_TRUSTED_PROXIES is 0 but a request came with %s: ignored; every client seems to "
                "come from the proxy's address (see `forum check`)", ", ".join(names))
    from .database import utcnow

    marker = Path(current_app.instance_path) / FORWARDED_MARKER
    try:
        if not marker.exists():
            marker.write_text(json.dumps({"at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), "headers": names}))
    except OSError:  # a read-only instance folder: the log line and /healthz still tell
        log.exception("could not write %s", marker)


def init_app(app: Flask) -> None:
    """Refuse foreign hosts in production and believe forwarded headers only from trusted proxies.
    Called after Socket.IO wrapped `wsgi_app`, so the live channel sees the corrected client too."""
    app.request_class = ForumRequest
    app.register_error_handler(SecurityError, _foreign_host)
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app)
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    else:
        app.before_request(_note_ignored_forwarded_headers)
    app.jinja_env.globals["external_url"] = external_url
