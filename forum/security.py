"""HTTP security headers and safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def is_safe_path(target: str | None) -> bool:
    """True only for a path on this site: `/x`, never `//host`, `/\\host`, a scheme or a host."""
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//") or target.startswith("/\\"):
        return False
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith("/api/") or request.path == "/healthz":
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.extensions.get("forum_hsts"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


# A year (at least 180 days is what the contract asks). No includeSubDomains: the forum's host
# is usually one name under the city's domain, whose other hosts it must not speak for.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    """Security headers on every response; HSTS in production with an https FORUM_BASE_URL."""
    base = app.config.get("BASE_URL") or ""
    app.extensions["forum_hsts"] = app.config.get("ENV_NAME") == "production" and base.startswith("https://")
    app.after_request(_headers)
