"""The worker's loop: `forum mail-worker` runs it in the foreground, `forum serve` in a greenlet.

Each round sends what is due (forum/mail/worker.py), then sleeps until the poll interval passes
or a commit in this process queued a mail (`wake()`, set off after the commit). Digests are sent
on schedule (forum/mail/digests.py) and sent mails are pruned once an hour."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from flask import Flask

log = logging.getLogger("forum.mail")

_wakers: list[Callable[[], None]] = []
HOUSEKEEPING = 3600.0
REPORT_INTERVAL = 30.0  # seconds between two reports of failing rounds


def wake() -> None:
    """After a commit that queued mail: wake this process's worker, if it runs one."""
    for waker in list(_wakers):
        waker()


def _round(app: Flask, housekeeping: dict) -> None:
    from ..extensions import db
    from . import hooks
    from .worker import deliver_due, prune

    with app.app_context():
        try:
            deliver_due()
            now = time.monotonic()
            if now >= housekeeping.get("next", 0.0):
                housekeeping["next"] = now + HOUSEKEEPING
                prune()
            for job in hooks.scheduled():
                job()
        except Exception as err:  # noqa: BLE001 - the database may be away: try again next round
            _report_failure(err, housekeeping)
            try:
                db.session.rollback()
            except Exception:  # noqa: BLE001 - the connection itself may be gone
                pass
        else:
            if housekeeping.get("failed"):
                log.warning("mail worker rounds work again (after %s failed rounds)", housekeeping["failed"])
            housekeeping["failed"] = 0
            housekeeping.pop("throttle", None)
        finally:
            db.session.remove()


def _report_failure(err: Exception, state: dict) -> None:
    """At most one line per REPORT_INTERVAL, with how many failed rounds it stands for (like the
    forum.outage reports), not a traceback every poll: a database outage of a minute was hundreds
    of lines. An unreachable database is one line; anything else keeps its traceback (a bug)."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from ..ops.outage import Throttle, first_line

    state["failed"] = state.get("failed", 0) + 1
    more = state.setdefault("throttle", Throttle(REPORT_INTERVAL)).due()
    if more is None:
        return
    since = f" (and {more} more failed rounds since the last report)" if more else ""
    if isinstance(err, (OperationalError, InterfaceError)):
        log.error("mail worker round failed, database unavailable: %s: %s%s", err.__class__.__name__,
                  first_line(err), since)
    else:
        log.exception("mail worker round failed%s", since)


def run(app: Flask, *, poll: float, stop: threading.Event | None = None, event=None, once: bool = False) -> None:
    """Rounds until `stop` is set (or one round with `once`). `event` is what `wake()` sets: a
    threading.Event, or gevent's Event in the greenlet of `forum serve`."""
    stop = stop or threading.Event()
    event = event or threading.Event()
    _wakers.append(event.set)
    housekeeping: dict = {}
    try:
        while not stop.is_set():
            event.clear()
            _round(app, housekeeping)
            if once:
                return
            event.wait(poll)
    finally:
        _wakers.remove(event.set)


def spawn_greenlet(app: Flask):
    """The worker of a one-process installation, beside the server in `forum serve`."""
    import gevent
    from gevent.event import Event

    stop = threading.Event()  # patched by gevent: a greenlet-friendly flag
    event = Event()
    greenlet = gevent.spawn(run, app, poll=float(app.config["MAIL_POLL_SECONDS"]), stop=stop, event=event)

    def halt() -> None:
        stop.set()
        event.set()
        greenlet.join(timeout=10)

    return halt
