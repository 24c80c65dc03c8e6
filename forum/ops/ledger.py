"""The account deletion ledger: deleted accounts stay deleted after a restore.

A backup reproduces the database exactly as it was when it was taken, so a backup taken
*before* an account was deleted still holds that account. Every deletion of a `User` through
the ORM therefore leaves a row in `account_deletions` (the numeric id and the time, no
personal data). Every backup carries the ledger, and `forum restore OLD --reapply-deletions
NEWER` deletes again, after loading OLD, every account that NEWER's ledger names.

Interface for the account-deletion feature: delete the `User` with `db.session.delete(user)`
(the ledger row is added in the same flush), or call `record_account_deletion(user_id)` when
an account is erased some other way. If that feature has more to do than deleting the row
(counters, files), it registers its routine with `set_account_eraser(fn)`; `reapply` calls it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..database import utcnow
from ..extensions import db


class AccountDeletion(db.Model):
    """One deleted account: only its id and when it was deleted."""

    __tablename__ = "account_deletions"

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


def _default_eraser(user) -> None:
    db.session.delete(user)
    db.session.flush()


_eraser: Callable = _default_eraser


def set_account_eraser(fn: Callable) -> None:
    """`fn(user)` erases an account the way the account-deletion feature does; it flushes, never commits."""
    global _eraser
    _eraser = fn


def record_account_deletion(user_id: int) -> None:
    """Add `user_id` to the ledger (idempotent). Flushes with the caller's transaction."""
    if db.session.get(AccountDeletion, user_id) is None:
        db.session.add(AccountDeletion(user_id=user_id))
        db.session.flush()


def reapply(user_ids: Iterable[int]) -> int:
    """Erase every listed account that exists now and add it to the ledger. Returns how many were erased."""
    from ..accounts.models import User

    erased = 0
    for user_id in sorted(set(user_ids)):
        user = db.session.get(User, user_id)
        if user is not None:
            _eraser(user)
            erased += 1
        if db.session.get(AccountDeletion, user_id) is None:
            db.session.add(AccountDeletion(user_id=user_id))
    db.session.flush()
    return erased


def ledger_ids() -> list[int]:
    return list(db.session.scalars(select(AccountDeletion.user_id).order_by(AccountDeletion.user_id)))


def _record_deleted_users(session: Session, _flush_context, _instances) -> None:
    from ..accounts.models import User

    with session.no_autoflush:
        for obj in list(session.deleted):
            if isinstance(obj, User) and obj.id is not None and session.get(AccountDeletion, obj.id) is None:
                session.add(AccountDeletion(user_id=obj.id))


def init_app(app: Flask) -> None:
    if not event.contains(Session, "before_flush", _record_deleted_users):
        event.listen(Session, "before_flush", _record_deleted_users)
