"""Ending a person's live connections at once (suspension, account deletion)."""
from __future__ import annotations

from ..live.broadcast import close_user_sockets


def end_live_sessions(user_id: int) -> int:
    """Close every socket of this person on every process (session and token alike). Call it
    after the commit that suspended or erased them; returns how many were asked to close."""
    return close_user_sockets(user_id, via=None)
