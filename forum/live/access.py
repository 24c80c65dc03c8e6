"""Sockets follow access at once: the one place that decides what an open socket may still read.

The services that take a right away announce it after their commit (forum/access.py: "the
access of person X changed", "who may read which room changed"). Here every process re-checks
the sockets *it* holds against fresh database state:

| the socket's person, as the database says now | the socket |
| --- | --- |
| signed in with a session that has ended (logout, password changed or reset) | is disconnected |
| the account is gone (deleted) | is disconnected |
| suspended | is disconnected (suspended people do not use live rooms; they read pages) |
| connected with an API token that was revoked | goes on as anonymous: leaves its person's room and every room an anonymous visitor may not read |
| still valid | leaves every room the person may no longer read (membership ended, council made private) |

Across processes the announcement travels on the Socket.IO message queue itself (one extra
message kind, `forum_access`, that the forum's queue manager understands), so it keeps its order
with the emits: a message posted after someone's removal reaches every process after that
process has taken the removed person's sockets out of the room.
"""
from __future__ import annotations

import json
import logging

from flask import current_app, g
from flask_login import AnonymousUserMixin

from ..extensions import db, socketio
from ..rooms import NAMESPACE, user_room

log = logging.getLogger(__name__)

ACCESS_METHOD = "forum_access"
_MARKER = ACCESS_METHOD.encode()


def on_access_change(changes: list[dict]) -> None:
    """Listener for forum.access: re-check this process's sockets, then tell the other processes."""
    app = current_app._get_current_object()
    apply_changes(app, changes)
    manager = getattr(socketio.server, "manager", None)
    if manager is not None and hasattr(manager, "_publish"):
        try:
            manager._publish({"method": ACCESS_METHOD, "changes": changes, "host_id": manager.host_id})
        except Exception:  # noqa: BLE001 - the queue may be down; every socket event re-checks anyway
            log.warning("could not relay an access change", exc_info=True)


def apply_changes(app, changes: list[dict]) -> int:
    """Re-check the sockets on this process that `changes` concern; returns how many were checked.

    Runs in an app context of its own (own database session): it is called right after a commit,
    when the committing session can issue no more SQL, and from the queue listener."""
    with app.app_context():
        g.live_rooms = {}  # resolve each (room, person) once for all sockets checked now
        sids = _local_sids(changes)
        for sid in sids:
            try:
                recheck_socket(sid)
            except Exception:  # noqa: BLE001 - one odd socket must not spare the others
                log.warning("could not re-check live socket %s", sid, exc_info=True)
        return len(sids)


def _local_sids(changes: list[dict]) -> list[str]:
    manager = getattr(socketio.server, "manager", None)
    if manager is None:
        return []
    if any(change.get("kind") == "rooms" for change in changes):
        rooms = [None]  # every socket connected to this process
    else:
        rooms = [user_room(change["user_id"]) for change in changes
                 if change.get("kind") == "user" and isinstance(change.get("user_id"), int)]
    sids: dict[str, None] = {}
    for room in rooms:
        for sid, _eio_sid in manager.get_participants(NAMESPACE, room):
            sids[sid] = None
    return list(sids)


def recheck_socket(sid: str) -> None:
    """Apply the table in this module's docstring to one socket of this process."""
    from ..accounts.models import User
    from ..permissions import is_suspended
    from .guard import drop_identity, load_actor, prune_rooms, socket_session

    try:
        identity = socket_session(sid)
    except KeyError:
        return  # not (or no longer) a live socket of this process
    actor = load_actor(identity)
    if actor is None:
        if identity.get("via") == "token" and db.session.get(User, identity["user_id"]) is not None:
            identity = drop_identity(sid, identity)
            prune_rooms(sid, identity, AnonymousUserMixin())
        else:
            socketio.server.disconnect(sid, namespace=NAMESPACE)
        return
    if is_suspended(actor):
        socketio.server.disconnect(sid, namespace=NAMESPACE)
        return
    prune_rooms(sid, identity, actor)


class AccessRelay:
    """Mixed into python-socketio's pub/sub manager: handles the `forum_access` messages that
    other processes publish on the queue's channel and passes everything else on untouched."""

    app = None

    def _listen(self):
        for message in super()._listen():
            data = _access_message(message)
            if data is None:
                yield message
                continue
            if data.get("host_id") != self.host_id and self.app is not None:
                try:
                    apply_changes(self.app, list(data.get("changes") or []))
                except Exception:  # noqa: BLE001 - the listener must live on
                    log.exception("applying a relayed access change failed")


def _access_message(message) -> dict | None:
    if isinstance(message, dict):
        return message if message.get("method") == ACCESS_METHOD else None
    raw = message.encode() if isinstance(message, str) else message
    if not isinstance(raw, (bytes, bytearray)) or _MARKER not in raw:
        return None  # the common case (an emit): decided without parsing the JSON twice
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("method") == ACCESS_METHOD else None


def queue_manager(app, url: str):
    """The Socket.IO client manager for `FORUM_MESSAGE_QUEUE`: the class Flask-SocketIO would pick
    for the URL, with the access relay mixed in, on the forum's channel for that URL."""
    import socketio as python_socketio

    from . import queue_channel

    if url.startswith(("redis://", "rediss://")):
        base = python_socketio.RedisManager
    elif url.startswith("kafka://"):
        base = python_socketio.KafkaManager
    elif url.startswith("zmq"):
        base = python_socketio.ZmqManager
    else:
        base = python_socketio.KombuManager
    manager_class = type(f"Forum{base.__name__}", (AccessRelay, base), {})
    manager = manager_class(url, channel=queue_channel(url), write_only=False)
    manager.app = app
    return manager
