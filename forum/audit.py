"""The audit log: `audit(actor, action, target, …)` records a privileged action; nothing edits it.

Every privileged service, in whichever area, calls `audit` in the same transaction as the change
it records, so the entry exists exactly when the change does. The table is append-only in the
database itself: triggers (created here for `create_all` and in the migration) reject UPDATE and
DELETE on SQLite and PostgreSQL alike. The moderators' pages and the API read it
(`entries_query`); this module knows no area above it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DDL, JSON, Index, Select, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from .database import utcnow
from .extensions import db

REASON_MAX = 1000


class AuditEntry(db.Model):
    """One privileged action: who (`actor_id`), what (`action`, e.g. "user.suspend"), on which
    object (`target_type`, `target_id`), in which council, when and why.

    Append-only: a trigger on both SQLite and PostgreSQL rejects UPDATE and DELETE (below).
    `actor_id` is a plain integer, not a foreign key, so erasing an account leaves the log
    unchanged; the log never stores names or e-mail addresses."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_created", "created_at", "id"),
        Index("ix_audit_entries_action_created", "action", "created_at"),
        Index("ix_audit_entries_actor_created", "actor_id", "created_at"),
        Index("ix_audit_entries_target", "target_type", "target_id"),
        Index("ix_audit_entries_council", "council_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    council_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


ACTIONS = (
    "user.verify", "user.reject", "user.suspend", "user.unsuspend",
    "council.found", "council.edit", "council.archive", "council.restore",
    "council.appoint", "council.role", "council.remove", "council.request_accept", "council.request_decline",
    "proposal.status", "proposal.response",
    "content.hide", "content.restore", "content.dismiss",
    "meeting.publish", "meeting.current_item", "meeting.cancel", "meeting.end", "meeting.minutes",
    "site_page.edit",
    "project.create", "project.edit", "criteria.publish", "evaluator.appoint", "evaluator.remove",
    "cooperation.assign", "cooperation.status",
)

# How a model's table is named in the log.
_TARGET_TYPES = {
    "users": "user", "councils": "council", "proposals": "proposal", "proposal_comments": "comment",
    "live_messages": "message", "meetings": "meeting", "join_requests": "join_request", "site_pages": "site_page",
}

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$",
    "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


def target_ref(target) -> tuple[str, int | None]:
    """(type, id) for a model object, or the pair itself when given one."""
    if isinstance(target, tuple):
        return target[0], target[1]
    table = getattr(target, "__tablename__", type(target).__name__.lower())
    return _TARGET_TYPES.get(table, table), getattr(target, "id", None)


def audit(actor, action: str, target, reason: str | None = None, council=None, **details) -> AuditEntry:
    """Record that `actor` did `action` to `target` (a model object or a (type, id) pair), in
    `council` (a Council or its id; a council target is its own council) because of `reason`.
    `details` is stored as JSON and must not hold names or e-mail addresses. Flushes."""
    target_type, target_id = target_ref(target)
    if council is None and target_type == "council":
        council = target_id
    council_id = getattr(council, "id", council)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), action=action, target_type=target_type, target_id=target_id,
        council_id=council_id, reason=(reason or "").strip()[:1000] or None, details=details, created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_query(*, action: str | None = None, actor_id: int | None = None, target_type: str | None = None,
                  date_from: datetime | None = None, date_to: datetime | None = None) -> Select:
    """Newest first, narrowed by the given filters (`date_to` includes that whole day)."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    if date_from is not None:
        stmt = stmt.where(AuditEntry.created_at >= date_from)
    if date_to is not None:
        stmt = stmt.where(AuditEntry.created_at < date_to + timedelta(days=1))
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
