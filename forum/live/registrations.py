"""What the live channel registers in the core registry (forum/registry.py): live messages as
report targets (reportable, hideable), each person's messages for their data export, and their
erasure."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from .. import registry
from ..database import iso
from ..extensions import db
from ..rooms import resolve_room
from ..text import plain_excerpt
from . import services as live
from .models import LiveMessage


def room_council(room_name: str):
    """The council whose moderators moderate a room, whoever asks (None: forum-wide)."""
    from ..councils.models import Council
    from ..meetings.models import Meeting
    from ..proposals.models import Proposal

    kind, _, key = room_name.partition(":")
    if kind == "council":
        return db.session.scalar(select(Council).where(Council.slug == key))
    owner = {"proposal": Proposal, "meeting": Meeting}.get(kind)
    if owner is None or not key.isdigit():
        return None
    obj = db.session.get(owner, int(key))
    return obj.council if obj is not None else None


def _can_view(user, message) -> bool:
    room = resolve_room(message.room, user)
    return room is not None and room.can_read(user)


def _hide(message, reason, actor) -> None:
    registry.set_hidden(message, reason, actor)
    live.announce_hidden(message, message.room, reason)


def _url_of(message) -> str:
    kind, _, key = message.room.partition(":")
    return f"/live/rooms/{kind}/{key}#live-message-{message.id}"


def messages(user) -> list[dict]:
    rows = db.session.scalars(select(LiveMessage).where(LiveMessage.author_id == user.id).order_by(LiveMessage.id))
    return [{"id": m.id, "room": m.room, "body": m.body, "created_at": iso(m.created_at),
             "hidden": m.hidden_at is not None, "hidden_reason": m.hidden_reason}
            for m in rows if _can_view(user, m)]


def erase(user, delete_contributions: bool) -> None:
    """Messages have no replies: with `delete_contributions` they all go; otherwise they stay
    without author. The idempotency keys (`client_id`) go either way."""
    if delete_contributions:
        db.session.execute(delete(LiveMessage).where(LiveMessage.author_id == user.id))
    else:
        db.session.execute(update(LiveMessage).where(LiveMessage.author_id == user.id).values(client_id=None))


def register() -> None:
    registry.register_target(
        "message", load=live.get_message, council_of=lambda m: room_council(m.room),
        author_of=lambda m: m.author_id, can_view=_can_view, url_of=_url_of,
        excerpt_of=lambda m: plain_excerpt(m.body, 200), hide=_hide,
    )
    registry.register_export("live_messages", messages)
    registry.register_erasure("live_messages", erase)
