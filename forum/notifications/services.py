"""notify(): one in-app notice per person plus an e-mail sent only once the transaction commits."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, select, update

from ..database import utcnow
from ..extensions import db
from ..mail import queue_mail
from ..urls import absolute
from .models import Notification


def notify(users: Iterable, subject: str, body: str = "", url: str | None = None, *, email: bool = True,
           exclude=None) -> int:
    """Notify each distinct user (skipping `exclude`, usually the actor). `url` is a site path.

    The e-mail copy is queued and sent after the caller's commit; a rollback drops it."""
    seen: set[int] = set()
    skip = getattr(exclude, "id", None)
    for user in users:
        if user is None or user.id in seen or user.id == skip:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, subject=subject[:200], body=body[:1000], url=url))
        if email:
            link = absolute(url) if url else ""
            queue_mail(user.email, subject, f"{body}\n\n{link}".strip())
    db.session.flush()
    return len(seen)


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def recent(user, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.flush()
