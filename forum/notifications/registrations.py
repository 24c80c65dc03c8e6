"""What notifications register in the core registry (forum/registry.py): each person's notices
for their data export."""
from __future__ import annotations

from sqlalchemy import func, select

from .. import registry
from ..database import iso
from ..extensions import db
from ..permissions.viewer import register_column
from .models import Notification


def notifications(user) -> list[dict]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at, Notification.id))
    return [{"subject": n.subject, "body": n.body, "url": n.url, "created_at": iso(n.created_at),
             "read_at": iso(n.read_at)} for n in rows]


def unread_of(user_id):
    """The navigation's unread count, loaded with the signed-in person (forum/permissions/viewer.py)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())


def register() -> None:
    registry.register_export("notifications", notifications)
    register_column("unread_notifications", unread_of)
