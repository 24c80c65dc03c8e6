"""Announcements that someone's rights changed, delivered after the commit that changed them.

The services that take a right away say so here, in the same transaction as the change:

- `user_changed(user_id)` — a person's own access changed: a membership ended, a token was
  revoked, the password changed or was reset, sessions ended (logout), the account was
  suspended or deleted;
- `rooms_changed()` — who may read what changed for many people at once (a council made private).

Nothing is announced for a transaction that rolls back. Higher layers subscribe from their
`init_app` (`subscribe(fn)`); the live channel is the one that does, and it decides there — in
one place — what each open socket still may read (forum/live/access.py). Listeners get the
changes of one commit as a list of dicts (`{"kind": "user", "user_id": 3}`, `{"kind": "rooms"}`)
and run inside the committing app context, where the session can no longer issue SQL; they
must open their own context to read the database.
"""
from __future__ import annotations

import logging
from typing import Callable

from .extensions import db

log = logging.getLogger(__name__)

_KEY = "access_changes"
_listeners: list[Callable[[list[dict]], None]] = []


def user_changed(user_id: int) -> None:
    """After the commit, every listener re-checks what this person may still read."""
    _queue({"kind": "user", "user_id": int(user_id)})


def rooms_changed() -> None:
    """After the commit, every listener re-checks every open connection (a rare, broad change)."""
    _queue({"kind": "rooms"})


def _queue(change: dict) -> None:
    pending = db.session.info.setdefault(_KEY, [])
    if change not in pending:
        pending.append(change)


def subscribe(listener: Callable[[list[dict]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _deliver(session) -> None:
    changes = session.info.pop(_KEY, [])
    if not changes:
        return
    for listener in list(_listeners):
        try:
            listener(changes)
        except Exception:  # noqa: BLE001 - the change is committed; a failing listener must not undo the answer
            log.exception("access change listener %r failed", listener)


def _drop(session, previous_transaction=None) -> None:
    if previous_transaction is not None and getattr(previous_transaction, "nested", False):
        return  # a savepoint rolled back; the outer transaction and its announcements live on
    session.info.pop(_KEY, None)


def init_app(app) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _deliver):
        # insert=True: before the live emits queued in the same transaction go out, so a person
        # who just lost a room never hears what was said there in the same commit
        event.listen(Session, "after_commit", _deliver, insert=True)
        event.listen(Session, "after_soft_rollback", _drop)
