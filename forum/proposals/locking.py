"""Write transactions that read before they write: take the proposal's lock first.

Votes and status changes read state (the current vote, the status) and then write depending on
it. Without a lock, two requests could both read "no vote yet" and both insert. PostgreSQL: the
proposal row is locked with SELECT … FOR UPDATE, serialising writers of one proposal. SQLite: the
transaction starts with BEGIN IMMEDIATE, taking the database's write lock before the first read,
so a concurrent writer waits (busy_timeout) instead of failing with "database is locked" when it
upgrades a stale read snapshot to a write.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Proposal


def begin_write() -> None:
    """On SQLite, open the transaction as BEGIN IMMEDIATE unless it already writes."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_proposal(proposal_id: int) -> Proposal | None:
    """The proposal with its current database state, locked until the transaction ends (None if gone).

    Call it before changing the proposal in this transaction: it reloads the object's attributes."""
    begin_write()
    return db.session.execute(
        select(Proposal).where(Proposal.id == proposal_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
