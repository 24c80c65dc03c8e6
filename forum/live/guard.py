"""What every live event goes through before its handler runs.

- its own app context (own `g`, own database session), also when a test holds one open;
- the person reloaded from the database: a deleted account, a changed session version
  (password change, logout everywhere) or a revoked API token drops the socket to anonymous
  and answers `unauthenticated` once;
- a per-person event rate limit answering `rate_limited`;
- the rooms the socket is in re-checked: a room the person may no longer read is left (an
  access change does the same at once, without waiting for an event: access.py);
- failures answered in the acknowledgement `{"ok": false, "error": {"code", "message"}}`.
"""
from __future__ import annotations

import functools
import logging

from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from ..errors import DomainError
from ..extensions import db, socketio
from ..rooms import NAMESPACE, resolve_room
from .state import live_state

log = logging.getLogger(__name__)

DEFAULT_EVENT_LIMIT = "60/10"  # any event: 60 per 10 seconds per person (or anonymous socket)
DEFAULT_POST_LIMIT = "10/10"  # posts: 10 per 10 seconds per person


def failure(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


IDENTITY_KEY = "forum.live.identity"


def _environ(sid: str | None):
    """The WSGI environ of socket `sid` (None: the socket of the event being handled). Works
    outside a socket event too (an access change re-checking this process's sockets)."""
    current = getattr(request, "sid", None) if has_request_context() else None
    if sid is None or sid == current:
        return request.environ
    return socketio.server.get_environ(sid, NAMESPACE)


def socket_session(sid: str | None = None) -> dict:
    """Who this socket is (`user_id`, `via`, `version`/`token_id`) and its joined `rooms`.

    Kept in the connection's WSGI environ, which python-socketio holds per connection (and the
    Flask-SocketIO test client too); only ids are kept, the person is reloaded on every event."""
    environ = _environ(sid)
    if environ is None or IDENTITY_KEY not in environ:
        raise KeyError("no live identity for this socket")
    return environ[IDENTITY_KEY]


def save_socket_session(data: dict, sid: str | None = None) -> None:
    environ = _environ(sid)
    if environ is not None:
        environ[IDENTITY_KEY] = data


def load_actor(identity: dict):
    """The person behind this socket as the database says now; None when that person is gone
    (deleted, signed out everywhere, token revoked)."""
    from ..accounts.models import ApiToken, User

    user_id = identity.get("user_id")
    if user_id is None:
        return AnonymousUserMixin()
    if identity.get("via") == "token":  # one query: the person and the token still in place
        from sqlalchemy import select

        return db.session.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id)
                                 .where(User.id == user_id, ApiToken.id == identity.get("token_id")))
    user = db.session.get(User, user_id)
    if user is None or user.session_version != identity.get("version"):
        return None
    return user


def _limit(name: str) -> tuple[int, int]:
    default = DEFAULT_POST_LIMIT if name == "post" else DEFAULT_EVENT_LIMIT
    try:
        count, window = str(current_app.config.get(f"LIVE_{name.upper()}_LIMIT") or default).split("/")
        return max(1, int(count)), max(1, int(window))
    except ValueError:
        count, window = default.split("/")
        return int(count), int(window)


def allowed(name: str, who: str) -> bool:
    """Count one `name` event ("event" or "post") for `who`; False once the limit is reached.
    The HTML form shares the socket's post budget (same key, same store). When the store (Redis)
    is away the event is let through: a lost counter must not silence the whole forum."""
    count, window = _limit(name)
    try:
        return live_state().hit(f"{name}:{who}", count, window)
    except Exception:  # noqa: BLE001
        log.warning("live rate limit store unavailable", exc_info=True)
        return True


def drop_identity(sid: str, identity: dict) -> dict:
    """The socket goes on as anonymous: out of its person's room and the registry of their sockets."""
    from flask_socketio import leave_room

    from ..rooms import user_room

    user_id = identity.get("user_id")
    if user_id is not None:
        leave_room(user_room(user_id), sid=sid, namespace=NAMESPACE)
        live_state().user_remove(user_id, sid)
    rooms = identity.get("rooms", [])
    identity = {"user_id": None, "rooms": rooms}
    save_socket_session(identity, sid)
    return identity


def leave(sid: str, identity: dict, name: str) -> None:
    """Take the socket out of room `name` and tell the room its new presence count."""
    from flask_socketio import leave_room

    from .presence import announce, depart

    leave_room(name, sid=sid, namespace=NAMESPACE)
    if name in identity.get("rooms", []):
        identity["rooms"].remove(name)
        save_socket_session(identity, sid)
        announce(name, depart(name, sid))


def prune_rooms(sid: str, identity: dict, actor) -> None:
    """Leave every joined room the actor may no longer read (a lost membership, a room made private)."""
    for name in list(identity.get("rooms", [])):
        if resolve_room(name, actor) is None:
            leave(sid, identity, name)


def live_event(rate: str | None = None, when_limited=None):
    """Decorate a namespace handler `fn(self, actor, identity, data) -> dict`. At the rate limit,
    `when_limited(actor, data)` may still answer (a retry of what was already done); the event
    is refused with `rate_limited` when it returns None."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(self, data=None, *_extra):
            app = current_app._get_current_object()
            with app.app_context():
                try:
                    return _run(fn, self, data, rate, when_limited)
                except DomainError as err:
                    db.session.rollback()
                    return failure(err.code, err.message)
                except Exception:  # noqa: BLE001 - a socket handler answers, it never crashes the connection
                    log.exception("live event %s failed", fn.__name__)
                    db.session.rollback()
                    return failure("server_error", _("Ein interner Fehler ist aufgetreten."))
        return wrapper
    return decorate


def _run(fn, namespace, data, rate, when_limited=None):
    g.live_rooms = {}  # resolve_room's memo for this event (forum/rooms.py)
    sid = request.sid
    identity = socket_session(sid)
    actor = load_actor(identity)
    if actor is None:
        identity = drop_identity(sid, identity)
        prune_rooms(sid, identity, AnonymousUserMixin())
        return failure("unauthenticated", _("Deine Anmeldung ist abgelaufen. Bitte lade die Seite neu."))
    who = f"user:{actor.id}" if actor.is_authenticated else f"sid:{sid}"
    if not allowed("event", who) or (rate and not allowed(rate, who)):
        answer = when_limited(actor, data) if when_limited and isinstance(data, dict) else None
        if answer is not None:
            return answer
        return failure("rate_limited", _("Zu viele Nachrichten in kurzer Zeit. Bitte warte einen Moment."))
    prune_rooms(sid, identity, actor)
    if not isinstance(data, dict):
        return failure("bad_request", _("Die Anfrage muss ein Objekt sein."))
    return fn(namespace, actor, identity, data)
