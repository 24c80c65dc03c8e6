"""SQLite: one write transaction at a time per process, waited for cooperatively.

Why: SQLite allows one writer. `busy_timeout` (forum/database.py) makes a second writer wait,
but that wait is a C-level sleep. Under `forum serve` (gevent) it blocks the whole process: if
the greenlet holding the write lock yields inside its transaction (any network or file I/O
that gevent patches), the waiting greenlet's busy loop keeps the hub from ever resuming the
holder, the wait runs out and the user gets "database is locked".

So before the first INSERT/UPDATE/DELETE of a transaction the connection takes a process-wide
lock (a gevent lock under `forum serve`, since `threading` is patched; a thread lock
elsewhere) and gives it back on commit, rollback, or when the pool resets the connection.
Other greenlets wait for it without blocking the hub; reads never wait (WAL, and pysqlite
only opens a transaction at the first write). Between processes `busy_timeout` still applies;
each holds the lock only from its first write to its commit, which is short.

A retry-on-"locked" loop was the alternative; it cannot help here, because the holder cannot
run while the waiter spins, and a retried transaction may repeat side effects.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy import event

_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_LOCKING_BEGINS = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")
_KEY = "forum_write_lock_held"
LOCK_TIMEOUT = 15.0
log = logging.getLogger("forum.sqlite")


class WriteGate:
    """The per-engine lock and the engine/pool events that take and release it."""

    def __init__(self):
        self.lock = threading.Lock()

    def _take(self, conn, _cursor, statement, _params, _context, _executemany) -> None:
        if conn.info.get(_KEY):
            return
        head = statement.lstrip()[:16].upper()
        # BEGIN IMMEDIATE (forum/proposals/locking.py) takes SQLite's write lock itself: a writer
        # holding it outside the gate would wait for the gate while the gate's holder waits for it
        if head.startswith(_WRITE_VERBS) or head.startswith(_LOCKING_BEGINS):
            if self.lock.acquire(timeout=LOCK_TIMEOUT):
                conn.info[_KEY] = True
            else:  # e.g. a second connection writing inside the same request: leave it to busy_timeout
                log.warning("SQLite write lock not free after %s s; writing without it", LOCK_TIMEOUT)

    def _release_info(self, info: dict) -> None:
        if info.pop(_KEY, False):
            self.lock.release()

    def _after_end(self, conn) -> None:
        self._release_info(conn.info)

    def _after_reset(self, _dbapi_connection, record, _state) -> None:
        self._release_info(record.info)

    def install(self, engine) -> None:
        event.listen(engine, "before_cursor_execute", self._take)
        event.listen(engine, "commit", self._after_end)
        event.listen(engine, "rollback", self._after_end)
        event.listen(engine, "reset", self._after_reset)
        event.listen(engine, "checkin", self._after_checkin)
        event.listen(engine, "invalidate", self._after_reset)  # (dbapi, record, exception)

    def _after_checkin(self, _dbapi_connection, record) -> None:
        self._release_info(record.info)


def init_app(app: Flask) -> None:
    from ..extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and "forum_write_gate" not in app.extensions:
            gate = WriteGate()
            gate.install(engine)
            app.extensions["forum_write_gate"] = gate
