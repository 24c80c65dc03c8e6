"""Announcements that someone's rights changed, delivered after the commit that changed them.

The services that take a right away say so here, in the same transaction as the change:

- `user_changed(user_id)` — a person's own access changed: a membership ended, a token was
  revoked, the password changed or was reset, sessions ended (logout), the account was
  suspended or deleted;
- `rooms_changed()` — who may read what changed for many people at once (a council made private).

The announcements ride on the one after-commit queue (forum/effects.py), so nothing is announced
for a transaction that rolls back. They run *first* among that commit's effects: a person who
just lost a room is taken out of it before the live events of the same commit go out, so they
never hear what was said there in the same commit.

Higher layers subscribe from their `init_app` (`subscribe(fn)`); the live channel is the one that
does, and it decides there — in one place — what each open socket still may read
(forum/live/access.py). Listeners get the changes of one commit as a list of dicts
(`{"kind": "user", "user_id": 3}`, `{"kind": "rooms"}`) and run inside the committing app
context, where the session can no longer issue SQL; they must open their own context to read
the database.
"""
from __future__ import annotations

import logging
from typing import Callable

from . import effects

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
    effects.collect(_KEY, change, _deliver, first=True)


def subscribe(listener: Callable[[list[dict]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _deliver(changes: list[dict]) -> None:
    for listener in list(_listeners):
        try:
            listener(changes)
        except Exception:  # noqa: BLE001 - the change is committed; a failing listener must not undo the answer
            log.exception("access change listener %r failed", listener)
