"""Digest mails: the notices waiting for a person's daily or weekly summary, one mail each.

`forum send-digests` sends them now; the mail worker sends them on schedule — daily from 07:00
Berlin time, weekly from Monday 07:00 — once per period however many workers run (the claim is
an UPDATE of `mail_schedule` only one of them wins)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from ..database import utcnow
from ..extensions import db
from ..mail import queue_many
from .models import MailSchedule, Notification

BERLIN = ZoneInfo("Europe/Berlin")
SEND_AT = time(7, 0)


def send_digests(period: str, now: datetime | None = None) -> int:
    """One digest row per person with notices waiting for `period`; returns how many. Two queries
    and two statements whatever the number of people."""
    now = now or utcnow()
    waiting = db.session.execute(
        select(Notification.id, Notification.user_id).where(Notification.digest == period)
        .order_by(Notification.user_id, Notification.id).with_for_update(skip_locked=True)).all()
    if not waiting:
        return 0
    by_person: dict[int, list[int]] = {}
    for notice_id, user_id in waiting:
        by_person.setdefault(user_id, []).append(notice_id)
    from ..accounts.models import User

    addresses = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(by_person))).all())
    queue_many({"to_addr": addresses[uid], "user_id": uid, "kind": "digest", "created_at": now, "next_attempt_at": now,
                "params": {"period": period, "ids": ids}} for uid, ids in by_person.items() if uid in addresses)
    db.session.execute(update(Notification).where(Notification.id.in_([i for i, _u in waiting]))
                       .values(digest=None).execution_options(synchronize_session=False))
    return len(by_person)


def last_due(period: str, now: datetime) -> datetime:
    """The latest scheduled moment at or before `now` (naive UTC in, naive UTC out)."""
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(BERLIN)
    moment = datetime.combine(local.date(), SEND_AT, tzinfo=BERLIN)
    if moment > local:
        moment -= timedelta(days=1)
    if period == "weekly":
        moment -= timedelta(days=moment.weekday())  # back to Monday
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _claim(period: str, now: datetime) -> bool:
    """True for the one caller that runs `period`'s digest for its latest scheduled moment."""
    due = last_due(period, now)
    won = db.session.execute(update(MailSchedule).where(MailSchedule.name == period, MailSchedule.last_run < due)
                             .values(last_run=now).execution_options(synchronize_session=False)).rowcount
    if won:
        return True
    if db.session.get(MailSchedule, period) is None:  # the first run on this database
        db.session.add(MailSchedule(name=period, last_run=now))
        db.session.flush()
        return True
    return False


def scheduled(now: datetime | None = None) -> None:
    """The worker's round: send whichever digest is due, then commit."""
    now = now or utcnow()
    for period in ("daily", "weekly"):
        if _claim(period, now):
            send_digests(period, now)
        db.session.commit()
