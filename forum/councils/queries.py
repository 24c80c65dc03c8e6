"""Read helpers for council pages and the API: moderators, member counts, requests, proposals.

Every function takes a council the caller has already resolved through
`visibility.get_visible_council_or_404` (or a listing filtered by `visible_council_filter`).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import STAKEHOLDERS, User
from ..extensions import db
from .visibility import visible_council_filter
from ..permissions import (can_join_council, can_leave_council, can_request_to_join, council_role,
                           is_signed_in)
from .membership import join_blocker
from .models import Council, JoinRequest, Membership

PROPOSALS_SHOWN = 10


def roles_of(user) -> list[tuple[str, str]]:
    """(council slug, role) for every council `user` belongs to, by slug (their own account shows them)."""
    return [tuple(row) for row in db.session.execute(
        select(Council.slug, Membership.role).join(Membership, Membership.council_id == Council.id)
        .where(Membership.user_id == user.id).order_by(Council.slug)
    )]


def moderators(council: Council) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.council_id == council.id, Membership.role == "moderator").order_by(User.name)
    ))


def members_by_stakeholder(council: Council) -> dict[str, int]:
    """How many members (moderators included) each of the five stakeholder groups has."""
    counts = dict.fromkeys(STAKEHOLDERS, 0)
    rows = db.session.execute(
        select(User.stakeholder, func.count()).join(Membership, Membership.user_id == User.id)
        .where(Membership.council_id == council.id).group_by(User.stakeholder)
    ).all()
    for stakeholder, count in rows:
        counts[stakeholder] = count
    return counts


def members_select(council: Council):
    """A select of (User, Membership) rows: everyone in the council, moderators first, then by name."""
    return (select(User, Membership).join(Membership, Membership.user_id == User.id)
            .where(Membership.council_id == council.id)
            .order_by(Membership.role.desc(), User.name, User.id))


def members(council: Council) -> list[tuple[User, Membership]]:
    return list(db.session.execute(members_select(council)))


def join_requests(council: Council, status: str | None = "pending"):
    """A select of the council's join requests (oldest first), optionally of one status."""
    stmt = select(JoinRequest).where(JoinRequest.council_id == council.id)
    if status is not None:
        stmt = stmt.where(JoinRequest.status == status)
    return stmt.order_by(JoinRequest.created_at, JoinRequest.id)


def join_request_or_404(council: Council, request_id: int) -> JoinRequest:
    """A join request of this council (another council's request id is a 404)."""
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.council_id != council.id:
        abort(404)
    return join_request


def recent_decisions(council: Council, limit: int = 20) -> list[JoinRequest]:
    """The council's latest decided join requests, newest first."""
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.council_id == council.id, JoinRequest.status != "pending")
        .order_by(JoinRequest.decided_at.desc(), JoinRequest.id.desc()).limit(limit)
    ))


def pending_counts(council_ids: list[int]) -> dict[int, int]:
    """Pending requests per council, for the councils listed."""
    if not council_ids:
        return {}
    return dict(db.session.execute(
        select(JoinRequest.council_id, func.count()).where(
            JoinRequest.council_id.in_(council_ids), JoinRequest.status == "pending")
        .group_by(JoinRequest.council_id)
    ).all())


def candidates(council: Council, query: str, limit: int = 20) -> list[User]:
    """Verified forum members who are not in the council, matching `query` in their name or their
    organisation's. Never in the e-mail address: the results would tell a moderator, letter by
    letter, an address they may not see."""
    query = (query or "").strip()[:100]
    if len(query) < 2:
        return []
    pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    in_council = select(Membership.user_id).where(Membership.council_id == council.id)
    return list(db.session.scalars(
        select(User).where(
            User.email_confirmed_at.is_not(None),
            or_(User.stakeholder == "citizen", User.verification == "verified"),
            User.id.not_in(in_council),
            or_(func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.organisation).like(pattern, escape="\\")),
        ).order_by(User.name).limit(limit)
    ))


def proposals(council: Council, limit: int = PROPOSALS_SHOWN):
    """The council's newest published proposals (no drafts, nothing withdrawn)."""
    from ..proposals.models import Proposal

    return list(db.session.scalars(
        select(Proposal).where(Proposal.council_id == council.id, Proposal.status.not_in(("draft", "withdrawn")))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class Viewer:
    """What the current person is and may do in one council (for its page and the API)."""

    role: str | None
    can_join: bool
    can_request: bool
    can_leave: bool
    pending_request: JoinRequest | None
    declined_request: JoinRequest | None
    blocker: str | None  # why joining is not possible, for people who are not members


_UNREAD = object()


def _latest_request(user, council_id):
    """The person's pending request to the council if any, else their newest one (a select of its id)."""
    request = aliased(JoinRequest)
    return (select(request.id).where(request.council_id == council_id, request.user_id == user.id)
            .order_by(case((request.status == "pending", 0), else_=1), request.created_at.desc(),
                      request.id.desc()).limit(1))


def council_page(slug: str, user) -> tuple[Council | None, dict[str, int], JoinRequest | None]:
    """The council page's council (if `user` may see it), its members per stakeholder group and the
    person's pending or newest join request, in one query."""
    counts = [select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
              .where(Membership.council_id == Council.id, User.stakeholder == code).scalar_subquery().label(code)
              for code in STAKEHOLDERS]
    stmt = select(Council, *counts).where(Council.slug == slug, visible_council_filter(user))
    if is_signed_in(user):
        stmt = stmt.add_columns(JoinRequest).outerjoin(
            JoinRequest, JoinRequest.id == _latest_request(user, Council.id).scalar_subquery())
    row = db.session.execute(stmt).first()
    if row is None:
        return None, {}, None
    return row[0], {code: row._mapping[code] or 0 for code in STAKEHOLDERS}, (row[-1] if is_signed_in(user) else None)


def viewer(user, council: Council, latest=_UNREAD) -> Viewer:
    """`latest`: the person's pending or newest join request when the caller loaded it (council_page)."""
    role = council_role(user, council)
    pending = declined = None
    if is_signed_in(user) and role is None:
        if latest is _UNREAD:
            latest = db.session.scalar(select(JoinRequest).where(JoinRequest.id == _latest_request(user, council.id)
                                                                 .scalar_subquery()))
        if latest is not None and latest.status == "pending":
            pending = latest
        elif latest is not None and latest.status == "declined":
            declined = latest
    blocker = None
    if role is None and pending is None:
        error = join_blocker(user, council, via="request" if council.join_policy == "request" else "open")
        blocker = error.message if error is not None else None
    return Viewer(role=role, can_join=can_join_council(user, council), can_request=can_request_to_join(user, council),
                  can_leave=can_leave_council(user, council), pending_request=pending, declined_request=declined,
                  blocker=blocker)
