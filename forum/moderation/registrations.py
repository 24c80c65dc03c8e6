"""What moderation registers in the core registry (forum/registry.py): each person's reports and
suspensions for their data export, and the erasure of their reports."""
from __future__ import annotations

from sqlalchemy import delete, select

from .. import registry
from ..database import iso
from ..extensions import db
from .models import Report, Suspension


def reports(user) -> list[dict]:
    rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at))
    return [{"target": r.target_type, "id": r.target_id, "reason": r.reason, "status": r.status,
             "created_at": iso(r.created_at)} for r in rows]


def suspensions(user) -> list[dict]:
    rows = db.session.scalars(select(Suspension).where(Suspension.user_id == user.id)
                              .order_by(Suspension.created_at))
    return [{"until": iso(s.until), "reason": s.reason, "created_at": iso(s.created_at),
             "lifted_at": iso(s.lifted_at)} for s in rows]


def erase_reports(user, _delete_contributions: bool) -> None:
    """The person's own reports go (they are personal data); decisions stay, without a name."""
    db.session.execute(delete(Report).where(Report.reporter_id == user.id))


def register() -> None:
    registry.register_export("reports", reports)
    registry.register_export("suspensions", suspensions)
    registry.register_erasure("reports", erase_reports)
