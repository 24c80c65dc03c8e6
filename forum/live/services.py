"""Live messages: post (idempotent per client_id), read history, hide.

Services flush and never commit. Emits are queued with `emit_after_commit`, so they go out
only once the caller's commit has stored what they announce.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..broadcast import emit_after_commit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import can_hide_live, can_post_live, is_signed_in
from ..rooms import Room, resolve_room, user_room
from ..text import render_markdown
from .models import MAX_BODY, MAX_CLIENT_ID, MAX_REASON, LiveMessage
from .schemas import live_message

HISTORY_DEFAULT = 50
HISTORY_MAX = 100
HIDDEN_IDS_WINDOW = 200
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,%d}$" % MAX_CLIENT_ID)


def clean_body(body) -> str:
    """The trimmed message text, or Invalid (`empty`, `too_long`, `invalid_field`)."""
    if not isinstance(body, str):
        raise Invalid(_("Die Nachricht muss ein Text sein."), "invalid_field")
    body = body.replace("\x00", "").replace("\r\n", "\n").strip()
    if not body:
        raise Invalid(_("Die Nachricht ist leer."), "empty")
    if len(body) > MAX_BODY:
        raise Invalid(_("Die Nachricht ist zu lang (höchstens %(max)s Zeichen).", max=MAX_BODY), "too_long")
    return body


def clean_client_id(client_id) -> str | None:
    if client_id is None or client_id == "":
        return None
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise Invalid(_("client_id ist ungültig (1–64 Zeichen: Buchstaben, Ziffern, _ . : -)."), "invalid_field")
    return client_id


def _by_client_id(author_id: int, client_id: str) -> LiveMessage | None:
    return db.session.scalar(
        select(LiveMessage).where(LiveMessage.author_id == author_id, LiveMessage.client_id == client_id)
    )


def post_message(room: Room, author, body, client_id=None) -> tuple[LiveMessage, bool]:
    """Store a message by `author` in `room` and queue its `message` broadcast.

    Returns (message, created). A `client_id` the author used before returns the first message
    and `created=False` (nothing is broadcast again). Raises NotAllowed when the author may not
    post here, Invalid for an empty, too long or malformed input, Conflict when the client_id
    was used for another room."""
    if not can_post_live(author, room):
        raise NotAllowed(_("Du darfst in diesem Raum nicht schreiben."), "not_allowed")
    body = clean_body(body)
    client_id = clean_client_id(client_id)
    message = _insert(dict(room=room.name, author_id=author.id, body=body, body_html=str(render_markdown(body)),
                           client_id=client_id, created_at=utcnow()))
    if message is None:  # this author used this client_id before: the first message stands
        return _same_room(_by_client_id(author.id, client_id), room), False
    set_committed_value(message, "author", author)  # known already: no lazy load, nothing to flush
    emit_after_commit(room.name, "message", live_message(message))
    return message, True


def earlier_post(room: Room, author, client_id) -> LiveMessage | None:
    """The message `author` already stored in `room` under `client_id` (None when there is none, or
    the author may no longer post there). For a retry at the rate limit: the limit forbids a new
    message, not the answer for one that was stored; post_message keeps its single INSERT."""
    try:
        client_id = clean_client_id(client_id)
    except Invalid:
        return None
    if client_id is None or not can_post_live(author, room):
        return None
    message = _by_client_id(author.id, client_id)
    return message if message is not None and message.room == room.name else None


def _insert(values: dict) -> LiveMessage | None:
    """INSERT … ON CONFLICT (author_id, client_id) DO NOTHING RETURNING: one statement whether or
    not the client_id was used before (also when a retry races in from another socket or
    process); None when it was. PostgreSQL and SQLite (≥ 3.35) both speak it."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(LiveMessage).values(**values)
                 .on_conflict_do_nothing(index_elements=["author_id", "client_id"]).returning(LiveMessage))
    return db.session.scalars(statement).first()


def _same_room(message: LiveMessage, room: Room) -> LiveMessage:
    if message.room != room.name:
        raise Conflict(_("Diese client_id wurde schon für einen anderen Raum verwendet."), "client_id_reused")
    return message


def _visible_to(user, room: Room):
    """The WHERE clause for the messages of `room` that `user` may read."""
    clause = LiveMessage.room == room.name
    if can_hide_live(user, room):
        return clause
    if is_signed_in(user):
        return clause & or_(LiveMessage.hidden_at.is_(None), LiveMessage.author_id == user.id)
    return clause & LiveMessage.hidden_at.is_(None)


def history(room: Room, user, since: int | None = None, limit: int = HISTORY_DEFAULT) -> list[LiveMessage]:
    """The messages of `room` that `user` may read, oldest first: those after id `since`, or the
    latest `limit` ones. Hidden messages appear only to moderators and to their author."""
    limit = max(1, min(int(limit), HISTORY_MAX))
    stmt = select(LiveMessage).options(selectinload(LiveMessage.author)).where(_visible_to(user, room))
    if since is not None:
        return list(db.session.scalars(stmt.where(LiveMessage.id > since).order_by(LiveMessage.id).limit(limit)))
    latest = list(db.session.scalars(stmt.order_by(LiveMessage.id.desc()).limit(limit)))
    latest.reverse()
    return latest


def hidden_ids(room: Room, user) -> list[int]:
    """Ids of recently hidden messages, so a client that was away can remove what it still shows."""
    if can_hide_live(user, room):
        return []  # moderators keep seeing hidden messages, marked as such
    stmt = select(LiveMessage.id).where(LiveMessage.room == room.name, LiveMessage.hidden_at.is_not(None))
    if is_signed_in(user):
        stmt = stmt.where(or_(LiveMessage.author_id.is_(None), LiveMessage.author_id != user.id))
    return sorted(db.session.scalars(stmt.order_by(LiveMessage.id.desc()).limit(HIDDEN_IDS_WINDOW)))


def get_message(message_id) -> LiveMessage | None:
    if isinstance(message_id, bool) or not isinstance(message_id, int) or not 0 < message_id < 2**62:
        return None
    return db.session.get(LiveMessage, message_id)


def hide_message(actor, message: LiveMessage, reason) -> LiveMessage:
    """Hide `message` with a reason; everyone in the room gets `message_hidden {id, room}` and its
    author `message_hidden {id, room, reason}` after commit. Hiding twice keeps the first reason.

    Raises NotFound when `actor` cannot see the room, NotAllowed unless `actor` moderates it,
    Invalid for a missing or too long reason."""
    room = resolve_room(message.room, actor)
    if room is None:
        raise NotFound(_("Diese Nachricht gibt es nicht."))
    if not can_hide_live(actor, room):
        raise NotAllowed(_("Du darfst hier keine Nachrichten ausblenden."), "not_allowed")
    if not isinstance(reason, str) or not reason.replace("\x00", "").strip():
        raise Invalid(_("Bitte gib einen Grund an."), "missing_reason")
    reason = " ".join(reason.replace("\x00", "").split())
    if len(reason) > MAX_REASON:
        raise Invalid(_("Der Grund ist zu lang (höchstens %(max)s Zeichen).", max=MAX_REASON), "too_long")
    if message.is_hidden:
        return message
    message.hidden_at = utcnow()
    message.hidden_reason = reason
    message.hidden_by_id = actor.id
    db.session.flush()
    announce_hidden(message, room.name, reason)
    from ..moderation.services import record_hide

    record_hide(actor, "message", message, reason)  # reports closed, decision, audit entry, author told
    return message


def announce_hidden(message: LiveMessage, room_name: str, reason: str) -> None:
    """After commit: everyone in the room gets `message_hidden {id, room}`, its author also the reason."""
    emit_after_commit(room_name, "message_hidden", {"id": message.id, "room": room_name})
    if message.author_id is not None:
        emit_after_commit(user_room(message.author_id), "message_hidden",
                          {"id": message.id, "room": room_name, "reason": reason})
