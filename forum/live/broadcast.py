"""Emit server → client facts to a room from anywhere (HTTP handlers, CLI, services).

With `FORUM_MESSAGE_QUEUE` set, Flask-SocketIO relays through Redis, so an emit from any
process reaches clients connected to every process.
"""
from __future__ import annotations

import logging

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
