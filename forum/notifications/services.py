"""notify(): one in-app notice per person plus an e-mail in the outbox, both in the caller's transaction."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, insert, select, update

from ..database import utcnow
from ..extensions import db
from ..mail import queue_many
from ..urls import absolute
from .models import Notification


def notify(users: Iterable, subject: str, body: str = "", url: str | None = None, *, email: bool = True,
           exclude=None) -> int:
    """Notify each distinct user (skipping `exclude`, usually the actor). `url` is a site path.

    The notices and the e-mail copies go into the database in one INSERT each (whatever the number
    of people); the worker sends the mails after the caller's commit, and a rollback drops them."""
    seen: set[int] = set()
    skip = getattr(exclude, "id", None)
    people = []
    for user in users:
        if user is None or user.id in seen or user.id == skip:
            continue
        seen.add(user.id)
        people.append(user)
    if not people:
        return 0
    db.session.flush()
    now = utcnow()
    db.session.execute(insert(Notification), [
        {"user_id": user.id, "subject": subject[:200], "body": body[:1000], "url": url, "created_at": now}
        for user in people])
    if email:
        text = f"{body}\n\n{absolute(url) if url else ''}".strip()
        queue_many({"to_addr": user.email, "user_id": user.id, "subject": subject[:300], "body": text,
                    "created_at": now, "next_attempt_at": now} for user in people)
    return len(people)


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
