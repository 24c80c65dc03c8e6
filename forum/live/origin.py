"""A WebSocket upgrade from a refused origin is answered with 403 before any protocol switch.

Engine.IO checks the Origin header itself (`cors_allowed_origins`: FORUM_ALLOWED_ORIGINS, else
FORUM_BASE_URL's origin, else the request's own) and answers a refused long-polling request with
400. For an upgrade request (`Upgrade: websocket`) this middleware asks Engine.IO the same
question first and answers a refusal with `403 Forbidden` and `Connection: close`, so no
WebSocket handshake ever happens for a foreign page (cross-site WebSocket hijacking).
It sits inside ProxyFix (forum/urls.py), so the own origin is the one the proxy names.
"""
from __future__ import annotations

import json

from flask import Flask

from ..extensions import socketio

SOCKET_PATH = "/socket.io"


class WebSocketOriginGuard:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if (environ.get("HTTP_UPGRADE", "").lower() == "websocket"
                and environ.get("PATH_INFO", "").startswith(SOCKET_PATH) and not _origin_allowed(environ)):
            body = json.dumps({"error": {"code": "forbidden_origin",
                                         "message": "Origin not allowed for WebSocket connections."}}).encode()
            start_response("403 Forbidden", [("Content-Type", "application/json"),
                                             ("Content-Length", str(len(body))), ("Connection", "close")])
            return [body]
        return self.wsgi_app(environ, start_response)


def _origin_allowed(environ) -> bool:
    eio = getattr(socketio.server, "eio", None)
    origin = environ.get("HTTP_ORIGIN")
    if eio is None or not origin or eio.cors_allowed_origins == []:
        return True  # no Origin header: not a browser page; [] would mean "checks off"
    allowed = eio._cors_allowed_origins(environ)  # Engine.IO's own rule, so both answers agree
    return allowed is None or origin in allowed


def init_app(app: Flask) -> None:
    """Wrap the app (call after Socket.IO's middleware is in place, before ProxyFix)."""
    app.wsgi_app = WebSocketOriginGuard(app.wsgi_app)
