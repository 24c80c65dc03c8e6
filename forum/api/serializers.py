"""Model → JSON. The one place that decides what the API shows of each model."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db


def iso(dt) -> str | None:
    return dt.isoformat() + "Z" if dt is not None else None


def user_public(user) -> dict:
    """An author as others see them; a deleted account shows as such."""
    if user is None:
        return {"id": None, "name": "gelöschtes Konto", "stakeholder": None}
    return {"id": user.id, "name": user.name, "stakeholder": user.stakeholder}


def me(user) -> dict:
    from ..councils.models import Council, Membership

    councils = db.session.execute(
        select(Council.slug, Membership.role).join(Membership, Membership.council_id == Council.id)
        .where(Membership.user_id == user.id).order_by(Council.slug)
    ).all()
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "stakeholder": user.stakeholder,
        "organisation": user.organisation,
        "verified": user.is_verified,
        "verification": user.verification,
        "email_confirmed": user.email_confirmed,
        "role": user.role,
        "councils": [{"slug": slug, "role": role} for slug, role in councils],
    }


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
