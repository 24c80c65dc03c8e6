"""notify(): one in-app notice per person plus, as each person chose, a mail at once or a place in
their next digest, all in the caller's transaction."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import JSON, DateTime, String, case, func, insert, literal, select, update
from sqlalchemy.sql import Select

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..mail import queue_from_select, queue_many
from .messages import freeze
from .models import Notification, NotificationSetting
from .settings import CATEGORIES, DEFAULTS, DIGESTS, modes_for


def _audience(about_council):
    from ..councils.visibility import sees_council

    return sees_council(about_council)


def notify(users: Iterable, subject, body="", url: str | None = None, *, category: str, kind: str = "",
           email: bool = True, exclude=None, about_council=None) -> int:
    """Notify each distinct user (skipping `exclude`, usually the actor). `url` is a site path.
    `about_council`: the council the notice is about (of a proposal or meeting); only who may see it
    now hears of it, so a removed member or an outsider still following a council made private learns
    nothing more.

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
    if people and about_council is not None and about_council.is_private:
        allowed = set(db.session.scalars(select(User.id).where(User.id.in_(seen), _audience(about_council))))
        people = [user for user in people if user.id in allowed]
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


def notify_selected(user_ids: Select, subject, body="", url: str | None = None, *, category: str, kind: str = "",
                    email: bool = True, exclude=None, about_council=None) -> int:
    """notify() for the people a SELECT of user ids names, done in SQL: the notices (with their
    digest marks) and the instant mails are one `INSERT … SELECT` each over the users and their
    setting for `category`; no person, notice or mail becomes a Python object. Same rows as
    notify(): each distinct person once (in id order), `exclude` skipped, settings respected, only
    who may see `about_council`."""
    assert category in CATEGORIES, category
    db.session.flush()
    now = utcnow()
    params = {"subject": freeze(subject), "body": freeze(body)}
    skip = getattr(exclude, "id", None)
    ids = user_ids.subquery()
    mode = func.coalesce(NotificationSetting.mode, literal(DEFAULTS.get(category, "instant"), String))
    people = (select(User.id).outerjoin(NotificationSetting, (NotificationSetting.user_id == User.id)
                                        & (NotificationSetting.category == category))
              .where(User.id.in_(select(ids.c[0])), _audience(about_council),
                     *([User.id != skip] if skip is not None else []))
              .order_by(User.id))
    constant = {"kind": literal(kind, String), "category": literal(category, String), "url": literal(url, String),
                "created_at": literal(now, DateTime), "subject": literal("", String), "body": literal("", String),
                "params": literal(params, JSON)}
    digest = case((mode.in_(DIGESTS), mode), else_=None) if email else literal(None, String)
    notices = people.add_columns(*constant.values(), digest)
    count = db.session.execute(insert(Notification.__table__).from_select(
        ["user_id", *constant, "digest"], notices).execution_options(preserve_rowcount=True)).rowcount
    if email and count:
        mail = {"kind": literal("notification", String), "created_at": literal(now, DateTime),
                "next_attempt_at": literal(now, DateTime), "status": literal("pending", String),
                "attempts": literal(0), "subject": literal("", String), "body": literal("", String),
                "params": literal({**params, "kind": kind, "category": category, "url": url}, JSON)}
        queue_from_select(["user_id", "to_addr", *mail],
                          people.add_columns(User.email, *mail.values()).where(mode == "instant"))
    return count


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
