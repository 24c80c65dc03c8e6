"""What notifications register in the core registry (forum/registry.py): each person's notices
for their data export, and a deleted person's name taken out of others' notices."""
from __future__ import annotations

import json

from flask_babel import get_locale
from sqlalchemy import String, cast, func, or_, select

from .. import registry
from ..database import iso
from ..extensions import db
from ..permissions.viewer import register_column
from .messages import scrub
from .models import Notification

DELETED_NAME = "gelöschtes Konto"


def notifications(user) -> list[dict]:
    language = user.language or str(get_locale() or "de")
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at, Notification.id))
    return [{"subject": n.subject_in(language), "body": n.body_in(language), "url": n.url, "category": n.category,
             "created_at": iso(n.created_at), "read_at": iso(n.read_at)} for n in rows]


def erase_name(user, _delete_contributions: bool) -> None:
    """Notices to others that name this person ("… möchte beitreten") name a deleted account instead."""
    name = user.name or ""
    if len(name) < 3:
        return
    stored = cast(Notification.params, String)
    escaped = json.dumps(name)[1:-1]  # how the JSON column holds it
    for notice in db.session.scalars(select(Notification).where(
            Notification.user_id != user.id, Notification.params.is_not(None),
            or_(stored.contains(name, autoescape=True), stored.contains(escaped, autoescape=True)))):
        notice.params = {k: scrub(v, name, DELETED_NAME) for k, v in notice.params.items()}
    db.session.flush()


def unread_of(user_id):
    """The navigation's unread count, loaded with the signed-in person (forum/permissions/viewer.py)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())


def register() -> None:
    registry.register_export("notifications", notifications)
    registry.register_erasure("notification_names", erase_name)
    register_column("unread_notifications", unread_of)
