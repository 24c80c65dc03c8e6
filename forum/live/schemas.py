"""The JSON shape of a live message, as the `message` event, `join` and the acknowledgements carry it."""
from __future__ import annotations

from ..accounts.schemas import user_public
from ..database import iso


def live_message(message, *, reveal_hidden: bool = False) -> dict:
    """A live message as the `message` event and `join` carry it. A hidden message is only ever
    serialised for its author or a moderator (`reveal_hidden`), marked with its reason."""
    data = {
        "id": message.id,
        "room": message.room,
        "author": user_public(message.author),
        "body_html": message.body_html,
        "created_at": iso(message.created_at),
    }
    if message.hidden_at is not None:
        if not reveal_hidden:
            return {"id": message.id, "room": message.room, "hidden": True, "created_at": iso(message.created_at)}
        data["hidden"] = True
        data["hidden_reason"] = message.hidden_reason
    return data
