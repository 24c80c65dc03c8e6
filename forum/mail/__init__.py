"""Outgoing mail through an outbox.

A mail is a row of `mail_outbox` written in the same transaction as the change that causes it
(`queue_mail`, `queue_many`): a rollback drops it, a commit keeps it even if the mail server is
away. The worker (`forum mail-worker`, or the greenlet `forum serve` starts unless
`FORUM_MAIL_WORKER=off`) sends due rows in batches over one connection, retries with backoff and
never sends a row twice (forum/mail/worker.py). Mails leave through `FORUM_MAIL_URL` (smtp://,
smtps://, forum/mail/transport.py), or without it as `.eml` files in `instance/outbox/`.
"""
from __future__ import annotations

from typing import Iterable

from flask import Flask, current_app
from sqlalchemy import insert

from ..effects import after_commit
from ..extensions import db
from .message import Rendered, header_text  # noqa: F401 - the public names of this package
from .models import OutboxMail
from .transport import outbox_dir  # noqa: F401


def _wake_after_commit() -> None:
    from .loop import wake

    after_commit(wake, key="forum-mail-wake")


def queue_mail(to: str, subject: str, body: str, *, user_id: int | None = None, language: str | None = None) -> None:
    """A plain mail, sent by the worker once the current transaction commits."""
    db.session.add(OutboxMail(to_addr=to, subject=subject[:300], body=body, user_id=user_id,
                              language=language or _current_language()))
    _wake_after_commit()


def queue_many(rows: Iterable[dict]) -> int:
    """Many outbox rows in one INSERT (each a dict of OutboxMail columns: `to_addr`, `kind`,
    `params`, `user_id`, …). Returns how many."""
    rows = list(rows)
    if rows:
        db.session.execute(insert(OutboxMail.__table__), rows)  # Core executemany: no ORM bookkeeping per row
        _wake_after_commit()
    return len(rows)


def queue_from_select(columns: list[str], rows) -> int:
    """Outbox rows straight from a SELECT (`INSERT … SELECT`, `columns` name OutboxMail columns in the
    order of the SELECT's): no row passes through Python. Returns how many."""
    statement = insert(OutboxMail.__table__).from_select(columns, rows)
    # SQLAlchemy keeps an INSERT's rowcount only when asked to
    count = db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount
    if count:
        _wake_after_commit()
    return count


def _current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale.language) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


def _replace(value, name: str, replacement: str):
    if isinstance(value, str):
        return value.replace(name, replacement)
    if isinstance(value, dict):
        return {k: _replace(v, name, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, name, replacement) for v in value]
    return value


def erase(user, _delete_contributions: bool) -> None:
    """A deleted account: its own mails go, and mails to others that name the person (a join request
    to the moderators) name a deleted account instead, sent or not."""
    import json

    from sqlalchemy import String, cast, delete, func, or_, select, update

    db.session.execute(delete(OutboxMail).where(or_(OutboxMail.user_id == user.id, OutboxMail.to_addr == user.email)))
    name = user.name or ""
    if len(name) < 3:
        return
    for column in (OutboxMail.subject, OutboxMail.body):
        db.session.execute(
            update(OutboxMail).where(column.contains(name, autoescape=True))
            .values({column.key: func.replace(column, name, "gelöschtes Konto")})
            .execution_options(synchronize_session=False))
    stored = cast(OutboxMail.params, String)
    for row in db.session.scalars(select(OutboxMail).where(OutboxMail.params.is_not(None), or_(
            stored.contains(name, autoescape=True), stored.contains(json.dumps(name)[1:-1], autoescape=True)))):
        row.params = _replace(row.params, name, "gelöschtes Konto")
    db.session.flush()


def init_app(app: Flask) -> None:
    """The worker's metrics and commands; the outbox's part in deleting an account."""
    from .. import registry
    from . import cli, metrics

    metrics.init_app(app)
    registry.register_erasure("mail_outbox", erase)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
