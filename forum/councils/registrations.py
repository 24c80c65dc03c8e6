"""What councils register in the core registry (forum/registry.py): each person's memberships
and join requests for their data export."""
from __future__ import annotations

from sqlalchemy import select

from .. import registry
from ..database import iso
from ..extensions import db
from .models import Council, JoinRequest, Membership
from .visibility import council_column_visible


def memberships(user) -> list[dict]:
    rows = db.session.execute(
        select(Council.slug, Council.name, Membership.role, Membership.created_at)
        .join(Membership, Membership.council_id == Council.id).where(Membership.user_id == user.id)
        .order_by(Membership.created_at))
    return [{"council": slug, "council_name": name, "role": role, "since": iso(since)}
            for slug, name, role, since in rows]


def join_requests(user) -> list[dict]:
    rows = db.session.execute(
        select(JoinRequest, Council.slug).join(Council, Council.id == JoinRequest.council_id)
        .where(JoinRequest.user_id == user.id, council_column_visible(JoinRequest.council_id, user))
        .order_by(JoinRequest.created_at))
    return [{"council": slug, "status": r.status, "message": r.message, "reason": r.reason,
             "created_at": iso(r.created_at), "decided_at": iso(r.decided_at)} for r, slug in rows]


def register() -> None:
    registry.register_export("memberships", memberships)
    registry.register_export("join_requests", join_requests)
