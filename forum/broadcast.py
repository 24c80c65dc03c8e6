"""Emit server → client facts to a live room from anywhere (services of any area, HTTP handlers,
CLI); the live channel (forum/live/) serves the rooms.

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

from .effects import after_commit
from .extensions import socketio
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
