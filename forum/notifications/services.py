"""notify(): one in-app notice per person plus, as each person chose, a mail at once or a place in
their next digest, all in the caller's transaction."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, insert, select, update

from ..database import utcnow
from ..extensions import db
from ..mail import queue_many
from .messages import freeze
from .models import Notification
from .settings import CATEGORIES, DIGESTS, modes_for


def notify(users: Iterable, subject, body="", url: str | None = None, *, category: str, kind: str = "",
           email: bool = True, exclude=None) -> int:
    """Notify each distinct user (skipping `exclude`, usually the actor). `url` is a site path.

    `subject` and `body` are `lazy_gettext` texts (or a person's own words as plain strings): they
    are stored as what to say and rendered in each reader's language when shown or mailed. The
    notices, the mails and the digest marks go into the database in one INSERT each, whatever the
    number of people; the worker sends the mails after the caller's commit, a rollback drops them."""
    assert category in CATEGORIES, category
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
    params = {"subject": freeze(subject), "body": freeze(body)}
    modes = modes_for([u.id for u in people], category) if email else {}
    db.session.execute(insert(Notification.__table__), [  # Core executemany: no ORM bookkeeping per row
        {"user_id": user.id, "kind": kind, "category": category, "params": params, "url": url, "created_at": now,
         "digest": modes.get(user.id) if modes.get(user.id) in DIGESTS else None}
        for user in people])
    queue_many({"to_addr": user.email, "user_id": user.id, "kind": "notification", "created_at": now,
                "next_attempt_at": now, "params": {**params, "kind": kind, "category": category, "url": url}}
               for user in people if modes.get(user.id) == "instant")
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
