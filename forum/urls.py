"""Absolute links. Every link that leaves the site (mail, iCal, open data, OParl, unsubscribe) is
built here from `FORUM_BASE_URL`, never from the Host header of whoever made the request: anyone can
send any Host header, and a mail to a real person must not point to a host of their choosing."""
from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

_FALLBACK = "http://127.0.0.1:8000"


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
