"""Plugging the forum's areas into moderation (report targets) and data rights (export, erasure).

Imported once at app start (`register_all`). Each block names the area it serves.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from ..api.serializers import iso
from ..councils.visibility import council_column_visible
from ..extensions import db
from ..permissions import can_view_proposal
from ..text import plain_excerpt
from . import registry

_done = False


def register_all() -> None:
    global _done
    if _done:
        return
    _done = True
    _accounts_and_councils()
    _moderation()
    _proposals()
    _meetings()


# --- accounts, councils, notifications --------------------------------------------------------

def _accounts_and_councils() -> None:
    from ..councils.models import Council, JoinRequest, Membership
    from ..notifications.models import Notification

    def memberships(user):
        rows = db.session.execute(
            select(Council.slug, Council.name, Membership.role, Membership.created_at)
            .join(Membership, Membership.council_id == Council.id).where(Membership.user_id == user.id)
            .order_by(Membership.created_at))
        return [{"council": slug, "council_name": name, "role": role, "since": iso(since)}
                for slug, name, role, since in rows]

    def join_requests(user):
        rows = db.session.execute(
            select(JoinRequest, Council.slug).join(Council, Council.id == JoinRequest.council_id)
            .where(JoinRequest.user_id == user.id, council_column_visible(JoinRequest.council_id, user))
            .order_by(JoinRequest.created_at))
        return [{"council": slug, "status": r.status, "message": r.message, "reason": r.reason,
                 "created_at": iso(r.created_at), "decided_at": iso(r.decided_at)} for r, slug in rows]

    def notifications(user):
        rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                  .order_by(Notification.created_at, Notification.id))
        return [{"subject": n.subject, "body": n.body, "url": n.url, "created_at": iso(n.created_at),
                 "read_at": iso(n.read_at)} for n in rows]

    registry.register_export("memberships", memberships)
    registry.register_export("join_requests", join_requests)
    registry.register_export("notifications", notifications)


# --- moderation: the person's reports and suspensions -------------------------------------------

def _moderation() -> None:
    from .models import Report, Suspension
    from .privacy import erase_reports

    def reports(user):
        rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at))
        return [{"target": r.target_type, "id": r.target_id, "reason": r.reason, "status": r.status,
                 "created_at": iso(r.created_at)} for r in rows]

    def suspensions(user):
        rows = db.session.scalars(select(Suspension).where(Suspension.user_id == user.id)
                                  .order_by(Suspension.created_at))
        return [{"until": iso(s.until), "reason": s.reason, "created_at": iso(s.created_at),
                 "lifted_at": iso(s.lifted_at)} for s in rows]

    registry.register_export("reports", reports)
    registry.register_export("suspensions", suspensions)
    registry.register_erasure("reports", erase_reports)


# --- proposals ------------------------------------------------------------------------------------

def _proposals() -> None:
    from ..proposals.models import Proposal

    registry.register_target(
        "proposal",
        load=lambda item_id: db.session.get(Proposal, item_id),
        council_of=lambda p: p.council,
        author_of=lambda p: p.author_id,
        can_view=lambda user, p: p.status != "draft" and can_view_proposal(user, p),
        url_of=lambda p: f"/proposals/{p.id}",
        excerpt_of=lambda p: f"{p.title} – {plain_excerpt(p.body, 160)}",
    )

    def proposals(user):
        rows = db.session.scalars(select(Proposal).where(
            Proposal.author_id == user.id, council_column_visible(Proposal.council_id, user)).order_by(Proposal.id))
        return [{"id": p.id, "title": p.title, "body": p.body, "status": p.status,
                 "council": p.council.slug if p.council else None, "created_at": iso(p.created_at),
                 "hidden": p.hidden_at is not None} for p in rows]

    def erase(user, delete_contributions: bool):
        if delete_contributions:
            db.session.execute(delete(Proposal).where(Proposal.author_id == user.id, Proposal.comments_count == 0))

    registry.register_export("proposals", proposals)
    registry.register_erasure("proposals", erase)


# --- meetings -------------------------------------------------------------------------------------

def _meetings() -> None:
    from ..meetings.models import Meeting, MeetingFollow

    def follows(user):
        rows = db.session.execute(
            select(Meeting.id, Meeting.title, MeetingFollow.created_at)
            .join(MeetingFollow, MeetingFollow.meeting_id == Meeting.id)
            .where(MeetingFollow.user_id == user.id, council_column_visible(Meeting.council_id, user))
            .order_by(MeetingFollow.created_at))
        return [{"meeting": mid, "title": title, "since": iso(since)} for mid, title, since in rows]

    registry.register_export("meeting_follows", follows)
