"""Emit server → client facts to a room from anywhere (HTTP handlers, CLI, services).

With `FORUM_MESSAGE_QUEUE` set, Flask-SocketIO relays through Redis, so an emit from any
process (a `forum serve` worker, an HTTP request, a CLI command) reaches clients connected to
every process.

Two ways to emit:
- `emit_to_room(room, event, payload)` — now; call it after your commit.
- `emit_after_commit(room, event, payload)` — from a service: queued on the one after-commit
  queue (forum/effects.py) and sent only when the caller commits (dropped on rollback), so a
  client never hears of something that is not stored.
"""
from __future__ import annotations

import logging

from ..effects import after_commit
from ..extensions import socketio
from .rooms import NAMESPACE

log = logging.getLogger(__name__)


def emit_to_room(room: str, event: str, payload: dict) -> None:
    """Emit after the data is committed. A failing queue is logged, never raised to the caller:
    the stored state is the truth and clients catch up with `join … since`."""
    try:
        socketio.emit(event, payload, to=room, namespace=NAMESPACE)
    except Exception:  # noqa: BLE001 - the message queue may be down; the commit already happened
        log.warning("live emit of %s to %s failed", event, room, exc_info=True)


def emit_after_commit(room: str, event: str, payload: dict, *, key=None) -> None:
    """Queue an emit on the after-commit queue (forum/effects.py); it goes out after the next
    commit, never for a rollback. With `key`, a later emit under the same key replaces this one."""
    after_commit(_emit, room, event, payload, key=key)


def _emit(room: str, event: str, payload: dict) -> None:
    emit_to_room(room, event, payload)  # looked up when it runs


def user_room(user_id: int) -> str:
    """Every signed-in socket joins its person's room (for facts meant for one person only)."""
    return f"user:{user_id}"


def close_user_sockets(user_id: int, *, via: str | None = "session") -> int:
    """Disconnect this person's sockets on every process (e.g. at logout). `via` limits it to
    sockets authenticated by the session cookie ("session") or by an API token ("token");
    None closes all. Returns how many were asked to close."""
    from .state import live_state

    closed = 0
    try:
        sockets = live_state().user_sids(user_id)
    except Exception:  # noqa: BLE001 - the state store may be away; logging out must still work
        log.warning("could not list the live sockets of user %s", user_id, exc_info=True)
        return 0
    for sid, how in sockets:
        if via is not None and how != via:
            continue
        try:
            socketio.server.disconnect(sid, namespace=NAMESPACE)
        except Exception:  # noqa: BLE001 - the queue may be down; the next event re-checks anyway
            log.warning("could not close live socket %s", sid, exc_info=True)
            continue
        closed += 1
    return closed
