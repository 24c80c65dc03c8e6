"""The one after-commit path: side effects that may only happen once the data is stored.

Services queue their effects on the database session — socket events (forum/broadcast.py), mail
(forum/mail.py), access announcements (forum/access.py) — and the route, socket handler or CLI
command that commits sets them off by committing. Nothing is called by hand after a commit.

- `after_commit(fn, *args, key=…, first=…, **kwargs)` runs `fn(*args, **kwargs)` once the
  session's outermost transaction commits.
- A rollback of that transaction (or closing the session without a commit) drops everything
  queued in it. A SAVEPOINT that rolls back (`with db.session.begin_nested(): …` failing) drops
  only what was queued inside it; what was queued before lives on with the outer transaction.
  Releasing a savepoint runs nothing yet.
- Effects run in the order they were queued, except that those queued with `first=True` run
  before all others of the same commit (forum/access.py: a person who just lost a room must be
  taken out of it before that commit's live events reach the room).
- `key`: a later effect with the same key replaces the earlier one (it carries the newer state,
  e.g. the vote counts after the second of two votes in one transaction) and moves to the end
  of the order. `collect(key, item, deliver)` gathers distinct items under a key instead, and
  calls `deliver(items)` once.
- Effects run after the commit, inside the committing app context, where the committing session
  can no longer issue SQL: an effect carries the data it needs (read before the commit, when it
  was queued) or opens its own app context to read. A failing effect is logged and never raised:
  the commit has happened, the answer must not turn into an error, and the next effect still runs.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_QUEUE = "forum_effects"
_MARKS = "forum_effects_savepoints"
_order = itertools.count()


@dataclass(frozen=True)
class Effect:
    fn: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    key: Hashable | None = None
    first: bool = False
    seq: int = 0


def _session():
    from .extensions import db

    return db.session()


def _queue(session) -> list[Effect]:
    return session.info.setdefault(_QUEUE, [])


def after_commit(fn: Callable[..., Any], *args, key: Hashable | None = None, first: bool = False, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` after the current transaction of the app's session commits."""
    _add(_session(), Effect(fn, args, kwargs, key, first, next(_order)))


def collect(key: Hashable, item: Any, deliver: Callable[[list], Any], *, first: bool = False) -> None:
    """Gather `item` under `key`; after the commit `deliver(items)` runs once with the distinct
    (unequal) items in the order they were first collected."""
    session = _session()
    earlier = next((e for e in _queue(session) if e.key == key), None)
    items = list(earlier.args[0]) if earlier is not None else []
    if item in items:
        return
    _add(session, Effect(deliver, (items + [item],), {}, key, first, earlier.seq if earlier else next(_order)))


def _add(session, effect: Effect) -> None:
    if not session.in_transaction():
        session.begin()  # the effect belongs to a transaction, so its rollback is seen (no SQL yet)
    queue = _queue(session)
    if effect.key is not None:
        queue[:] = [e for e in queue if e.key != effect.key]
    queue.append(effect)


def _running_order(effect: Effect) -> tuple[int, int]:
    return (0 if effect.first else 1, effect.seq)


def _run(session) -> None:
    nested = session.get_nested_transaction()
    if nested is not None:  # a savepoint was released: its effects wait for the outermost commit
        session.info.get(_MARKS, {}).pop(id(nested), None)
        return
    session.info.pop(_MARKS, None)
    effects = sorted(session.info.pop(_QUEUE, []), key=_running_order)
    for effect in effects:
        try:
            effect.fn(*effect.args, **effect.kwargs)
        except Exception:  # noqa: BLE001 - the commit happened; one failing effect must not cost the others
            log.exception("after-commit effect %s failed", getattr(effect.fn, "__qualname__", effect.fn))


def _mark_savepoint(session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[id(transaction)] = list(session.info.get(_QUEUE, []))


def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction is not None and previous_transaction.nested:
        # a savepoint rolled back: back to what was queued when it began; the outer transaction lives on
        marks = session.info.get(_MARKS, {})
        before = marks.pop(id(previous_transaction), None)
        if before is not None:
            session.info[_QUEUE] = before
        return
    _forget(session)


def _ended(session, transaction) -> None:
    if transaction.parent is None:  # also a session closed without commit (close() is no rollback event)
        _forget(session)


def _forget(session) -> None:
    session.info.pop(_QUEUE, None)
    session.info.pop(_MARKS, None)


def init_app(app) -> None:
    """Listen on every session (once per process; the queue itself lives on each session)."""
    if not event.contains(Session, "after_commit", _run):
        event.listen(Session, "after_commit", _run)
        event.listen(Session, "after_transaction_create", _mark_savepoint)
        event.listen(Session, "after_soft_rollback", _rolled_back)
        event.listen(Session, "after_transaction_end", _ended)
