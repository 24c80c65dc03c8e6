"""Engine tuning per backend and small query helpers shared by every area."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask
from sqlalchemy import event

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


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


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
