"""The Socket.IO namespace /live: thin adapters from events to the live services.

Client → server (each answered by an acknowledgement `{"ok": true, …}` or
`{"ok": false, "error": {"code", "message"}}`):
  join {room, since?}        → {ok, room, messages, more, hidden, presence, can_post, can_hide}
  leave {room}               → {ok}
  post {room, body, client_id?} → {ok, message}
  hide {id, reason}          → {ok, message: {id, room, hidden}}   (moderators)
Server → client: message, message_hidden, votes, agenda, presence (see CONTRACT.md).
"""
from __future__ import annotations

import logging

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import Namespace, join_room

from ..extensions import db, socketio
from ..permissions import can_hide_live, can_join_live, can_post_live
from ..rooms import NAMESPACE, resolve_room, user_room
from ..urls import own_origin
from . import services
from .guard import failure, leave, live_event, save_socket_session, socket_session
from .presence import announce, depart, enter
from .schemas import live_message
from .state import live_state, start_refresher

log = logging.getLogger(__name__)

MAX_ROOMS_PER_SOCKET = 20


def origin_allowed(environ) -> bool:
    """The Origin header (when a browser sends one) must be an allowed origin: the configured list,
    or else this site's own origin (forum/urls.py). Engine.IO checks the same at the HTTP level;
    this guards every transport once more."""
    origin = environ.get("HTTP_ORIGIN")
    if not origin:
        return True
    allowed = current_app.config.get("ALLOWED_ORIGINS")
    if allowed:
        return origin.rstrip("/") in allowed
    return origin.rstrip("/") == own_origin(environ)


def _since(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**62:
        raise ValueError
    return value


def _reveal(actor, room, message) -> bool:
    return can_hide_live(actor, room) or (actor.is_authenticated and message.author_id == actor.id)


class LiveNamespace(Namespace):
    def on_connect(self, auth=None):
        from ..accounts.auth import user_for_token

        if not origin_allowed(request.environ):
            raise ConnectionRefusedError({"code": "origin_not_allowed",
                                          "message": _("Diese Herkunft ist nicht erlaubt.")})
        app = current_app._get_current_object()
        with app.app_context():
            identity: dict = {"user_id": None, "rooms": []}
            token = auth.get("token") if isinstance(auth, dict) else None
            if token is not None:
                found = user_for_token(token) if isinstance(token, str) else None
                if found is None:
                    raise ConnectionRefusedError({"code": "invalid_token", "message": _("Das API-Token ist ungültig.")})
                user, api_token = found
                identity.update(user_id=user.id, via="token", token_id=api_token.id)
            elif current_user.is_authenticated:
                identity.update(user_id=current_user.id, via="session", version=current_user.session_version)
            save_socket_session(identity)
            if identity["user_id"] is not None:
                join_room(user_room(identity["user_id"]))
                try:
                    live_state().user_add(identity["user_id"], request.sid, identity["via"])
                except Exception:  # noqa: BLE001 - without the registry only logout's socket closing is lost
                    log.warning("could not register the live socket of user %s", identity["user_id"], exc_info=True)
            start_refresher(app, socketio)

    def on_disconnect(self, reason=None):
        app = current_app._get_current_object()
        with app.app_context():
            sid = request.sid
            try:
                identity = socket_session(sid)
            except KeyError:
                return
            for name in identity.get("rooms", []):
                announce(name, depart(name, sid))
            if identity.get("user_id") is not None:
                try:
                    live_state().user_remove(identity["user_id"], sid)
                except Exception:  # noqa: BLE001
                    log.warning("socket registry cleanup failed", exc_info=True)

    @live_event()
    def on_join(self, actor, identity, data):
        room = resolve_room(data.get("room"), actor)
        if room is None:
            return failure("not_found", _("Diesen Raum gibt es nicht."))
        if not can_join_live(actor, room):
            return failure("suspended", _("Dein Konto ist gesperrt. Du kannst den Verlauf auf der Seite lesen."))
        try:
            since = _since(data.get("since"))
        except ValueError:
            return failure("invalid_field", _("since muss eine Nachrichtennummer sein."))
        sid = request.sid
        if room.name not in identity["rooms"]:
            if len(identity["rooms"]) >= MAX_ROOMS_PER_SOCKET:
                return failure("too_many_rooms", _("Zu viele Räume auf einmal geöffnet."))
            join_room(room.name, sid=sid, namespace=NAMESPACE)  # before reading history: nothing falls between
            identity["rooms"].append(room.name)
            save_socket_session(identity, sid)
        count = enter(room.name, sid)
        announce(room.name, count)
        messages = services.history(room, actor, since=since, limit=services.HISTORY_MAX)
        return {
            "ok": True,
            "room": room.name,
            "messages": [live_message(m, reveal_hidden=_reveal(actor, room, m)) for m in messages],
            "more": len(messages) == services.HISTORY_MAX,
            "hidden": services.hidden_ids(room, actor),
            "presence": count,
            "can_post": can_post_live(actor, room),
            "can_hide": can_hide_live(actor, room),
        }

    @live_event()
    def on_leave(self, actor, identity, data):
        name = data.get("room")
        if isinstance(name, str):
            leave(request.sid, identity, name)
        return {"ok": True}

    @live_event(rate="post", when_limited=lambda actor, data: _earlier_post(actor, data))
    def on_post(self, actor, identity, data):
        if not actor.is_authenticated:
            return failure("unauthenticated", _("Bitte melde dich an, um zu schreiben."))
        room = resolve_room(data.get("room"), actor)
        if room is None:
            return failure("not_found", _("Diesen Raum gibt es nicht."))
        message, _created = services.post_message(room, actor, data.get("body"), data.get("client_id"))
        payload = live_message(message, reveal_hidden=True)  # the author's own; hidden only if a retry came late
        db.session.commit()
        return {"ok": True, "message": payload}

    @live_event(rate="post")
    def on_hide(self, actor, identity, data):
        if not actor.is_authenticated:
            return failure("unauthenticated", _("Bitte melde dich an."))
        message = services.get_message(data.get("id"))
        if message is None:
            return failure("not_found", _("Diese Nachricht gibt es nicht."))
        services.hide_message(actor, message, data.get("reason"))
        payload = {"id": message.id, "room": message.room, "hidden": True}
        db.session.commit()
        return {"ok": True, "message": payload}


def _earlier_post(actor, data: dict) -> dict | None:
    """A `post` retried at the rate limit: the first message again, when its client_id was stored."""
    if not actor.is_authenticated:
        return None
    room = resolve_room(data.get("room"), actor)
    message = services.earlier_post(room, actor, data.get("client_id")) if room is not None else None
    return None if message is None else {"ok": True, "message": live_message(message, reveal_hidden=True)}


def register_namespace() -> None:
    """Give the server `socketio.init_app` just made its /live namespace (one handler per server:
    Flask-SocketIO's on_namespace() would bind it only to the first app's server)."""
    handler = LiveNamespace(NAMESPACE)
    handler._set_socketio(socketio)
    socketio.server.register_namespace(handler)
