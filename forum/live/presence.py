"""Presence announcements, coalesced per room.

Every join, leave and disconnect changes a room's count. Announcing each change to everyone
would cost O(N²) messages when N people arrive (a meeting starting); so a change only marks
the room, and one `presence {room, count}` goes out `LIVE_PRESENCE_DELAY` seconds later with
the count as it is then (read from the shared state, so right across processes). With a delay
of 0 (the tests) each change is announced at once. A joining client gets the count in its
`join` acknowledgement anyway.
"""
from __future__ import annotations

import logging
import threading

from flask import current_app

from ..broadcast import emit_to_room
from ..extensions import socketio
from .state import live_state

log = logging.getLogger(__name__)
DEFAULT_DELAY = 1.0


def enter(room: str, sid: str) -> int:
    """Count `sid` in `room`; 0 when the state store is away (joining still works)."""
    try:
        return live_state().presence_add(room, sid)
    except Exception:  # noqa: BLE001
        log.warning("presence for %s is unavailable", room, exc_info=True)
        return 0


def depart(room: str, sid: str) -> int | None:
    try:
        return live_state().presence_remove(room, sid)
    except Exception:  # noqa: BLE001 - entries of a vanished socket expire on their own
        log.warning("presence for %s is unavailable", room, exc_info=True)
        return None


def announce(room: str, count: int | None = None) -> None:
    """Tell `room` its presence count now (delay 0) or once the current burst of changes is over."""
    app = current_app._get_current_object()
    delay = float(app.config.get("LIVE_PRESENCE_DELAY", DEFAULT_DELAY))
    if delay <= 0:
        if count is None:
            return
        emit_to_room(room, "presence", {"room": room, "count": count})
        return
    pending, lock = app.extensions.setdefault("forum_live_presence", (set(), threading.Lock()))
    with lock:
        if room in pending:
            return
        pending.add(room)

    def later():
        socketio.sleep(delay)
        with lock:
            pending.discard(room)
        with app.app_context():
            try:
                emit_to_room(room, "presence", {"room": room, "count": live_state().presence_count(room)})
            except Exception:  # noqa: BLE001 - the state store may be away; the next change tries again
                log.warning("presence announcement for %s failed", room, exc_info=True)

    socketio.start_background_task(later)
