"""Engine tuning per backend and small query helpers shared by every area."""
from __future__ import annotations

import time
from datetime import datetime, timezone

from flask import Flask
from sqlalchemy import event, exc

from .extensions import db


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored as naive UTC for SQLite/PostgreSQL alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(dt: datetime | None) -> str | None:
    """A stored (naive UTC) timestamp as the JSON shapes show it: ISO 8601 with `Z`."""
    return dt.isoformat() + "Z" if dt is not None else None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run beside one writer; busy_timeout makes writers wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


IDLE_PING_SECONDS = 2.0  # a pooled connection idle this long is pinged before it is handed out


def _ping_after_idle(engine):
    """`pool_pre_ping`, but only for a connection that lay in the pool for IDLE_PING_SECONDS.

    The pre-ping cost every request one more round trip to the database (of a page's 5–8), for
    the rare case that the server went away while the connection was pooled. A connection in
    steady use is handed out again within milliseconds and skips it. One that lay idle (the
    night, an outage) is pinged and, when dead, replaced (SQLAlchemy's documented checkout
    hook: raising DisconnectionError makes the pool connect afresh). A connection that died in
    the last two seconds fails its request with a 503 (forum/ops/outage.py), and that first
    disconnect error makes SQLAlchemy replace every connection of the pool."""

    def checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("checked_in_at")
        if idle_since is not None and time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error

    def fresh_or_back(_dbapi_connection, record):  # a new connection needs no ping either
        record.info["checked_in_at"] = time.monotonic()

    event.listen(engine, "connect", fresh_or_back)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", fresh_or_back)


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if not app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("pool_pre_ping"):
            _ping_after_idle(engine)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _bare_default(rendered: str | None) -> str | None:
    """A rendered server default without the parentheses and quotes that reflection adds or drops
    (SQLite reports `''` as `('')` after a batch-mode table copy)."""
    if rendered is None:
        return None
    text = rendered.strip()
    while len(text) >= 2 and text[0] == "(" and text[-1] == ")":
        text = text[1:-1].strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1]
    return text


def compare_server_default(_context, _inspected_column, _metadata_column, inspected_default,
                           _metadata_default, rendered_metadata_default):
    """Alembic autogenerate hook: equal when the defaults differ only in quoting; otherwise
    Alembic's own comparison decides (None)."""
    if _bare_default(inspected_default) == _bare_default(rendered_metadata_default):
        return False
    return None
