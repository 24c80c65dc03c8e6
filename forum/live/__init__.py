"""The live channel: Socket.IO namespace /live with rooms per proposal, council and meeting.

`init_app(app)` registers the built-in room kind (council), live messages as report targets
(with their export and erasure), the namespace, the listener that re-checks sockets when access
changes, the shared state (presence, sockets per person, rate limits), the HTML routes of the
no-JS forms and the `live_history` template helper.
"""
from __future__ import annotations

from urllib.parse import urlsplit


def queue_channel(url: str | None) -> str:
    """The pub/sub channel for a queue URL. Redis pub/sub ignores the database number, so the
    channel carries it: forums on different Redis databases never hear each other."""
    db_part = urlsplit(url or "").path.strip("/") or "0"
    return f"forum-live-{db_part}"


def init_app(app) -> None:
    from .. import access as access_changes
    from . import kinds, registrations, state
    from .access import on_access_change
    from .events import register_namespace
    from .panel import live_history
    from .routes import bp

    kinds.register()
    registrations.register()  # messages as report targets, their export and erasure (forum/registry.py)
    register_namespace()
    state.init_app(app)
    access_changes.subscribe(on_access_change)  # sockets follow access at once (access.py)
    app.register_blueprint(bp)
    app.jinja_env.globals["live_history"] = live_history  # a global: imported macros see it without context
