"""Which meetings (and which of their linked proposals) a person may see.

Every listing, the API and the calendars go through `visible_meetings_filter`, which builds on
`council_column_visible`: a private council's meetings leak nowhere. Single objects are loaded with
`get_visible_meeting` and checked with `permissions.can_view_meeting` (404 when not visible).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, exists, false, literal, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from ..councils.models import Council, Membership
from ..councils.visibility import council_column_visible
from ..database import utcnow
from ..errors import NotFound
from ..extensions import db
from ..permissions import can_manage_meetings, can_view_meeting, is_verified_member
from ..proposals.models import Proposal
from .models import PUBLIC_STATUSES, AgendaItem, Meeting, MeetingFollow, agenda_item_proposals


def visible_meetings_filter(user, *, drafts: bool = True) -> ColumnElement[bool]:
    """A WHERE clause over `Meeting`: non-draft meetings of councils `user` may see (forum meetings
    are public), plus the drafts `user` may edit when `drafts` is true."""
    published = Meeting.status != "draft"
    if can_manage_meetings(user):
        return true() if drafts else published
    council_ok = council_column_visible(Meeting.council_id, user)
    own_drafts = false()
    if drafts and is_verified_member(user):
        moderated = select(Membership.council_id).where(Membership.user_id == user.id,
                                                        Membership.role == "moderator")
        own_drafts = and_(Meeting.status == "draft", Meeting.council_id.in_(moderated))
    return and_(council_ok, or_(published, own_drafts))


def get_visible_meeting(meeting_id: int, user) -> Meeting:
    """The meeting if `user` may see it; NotFound (404) otherwise: never reveal a private one."""
    # Every page of a meeting shows its council and agenda: both come in the same query.
    meeting = db.session.get(Meeting, meeting_id, options=[joinedload(Meeting.council), joinedload(Meeting.items)]
                             ) if isinstance(meeting_id, int) else None
    return _visible(meeting, user)


def _visible(meeting: Meeting | None, user) -> Meeting:
    if meeting is None or not can_view_meeting(user, meeting):
        raise NotFound(_("Diese Sitzung gibt es nicht."), "meeting_not_found")
    return meeting


def page_of_meeting(meeting_id: int, user) -> tuple[Meeting, bool]:
    """The meeting page's meeting (with council and agenda) and whether `user` follows it, in one
    query; NotFound (404) when `user` may not see it."""
    uid = user.id if getattr(user, "is_authenticated", False) else None
    following = (exists().where(MeetingFollow.meeting_id == Meeting.id, MeetingFollow.user_id == uid)
                 if uid is not None else literal(False))
    row = db.session.execute(
        select(Meeting, following.label("following")).where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.council), joinedload(Meeting.items))
    ).unique().first()
    return _visible(row[0] if row else None, user), bool(row and row[1])


def meetings_query(user, *, council: Council | None = None, statuses=PUBLIC_STATUSES, upcoming: bool | None = None,
                   forum_only: bool = False, details: bool = True) -> Select:
    """Meetings `user` may see, with council (joined) and agenda items loaded unless `details` is false.
    `upcoming` true: not yet over, soonest first; false: over, latest first; None: all, latest first."""
    stmt = select(Meeting).where(visible_meetings_filter(user), Meeting.status.in_(tuple(statuses)))
    if details:
        stmt = stmt.options(selectinload(Meeting.items), joinedload(Meeting.council))
    if council is not None:
        stmt = stmt.where(Meeting.council_id == council.id)
    elif forum_only:
        stmt = stmt.where(Meeting.council_id.is_(None))
    now = utcnow()
    if upcoming is True:
        return stmt.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    if upcoming is False:
        stmt = stmt.where(Meeting.ends_at < now)
    return stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def upcoming_and_drafts(user, council: Council | None, with_drafts: bool) -> tuple[list[Meeting], list[Meeting]]:
    """The meetings page's upcoming meetings (published, live or cancelled, not yet over; soonest
    first) and, with `with_drafts`, the drafts `user` may see (latest first), in one query (+ items)."""
    statuses = ("published", "live", "cancelled") + (("draft",) if with_drafts else ())
    stmt = meetings_query(user, council=council, statuses=statuses).where(
        or_(Meeting.status == "draft", Meeting.ends_at >= utcnow())).order_by(None).order_by(Meeting.starts_at,
                                                                                              Meeting.id)
    rows = db.session.scalars(stmt).all()
    return [m for m in rows if m.status != "draft"], [m for m in reversed(rows) if m.status == "draft"]


def upcoming_meetings(user, limit: int = 5, council: Council | None = None, details: bool = True) -> list[Meeting]:
    """The next published (or live) meetings `user` may see, soonest first (start page, council page)."""
    stmt = meetings_query(user, council=council, statuses=("published", "live"), upcoming=True, details=details)
    return list(db.session.scalars(stmt.limit(limit)))


def calendar_meetings(user, *, council: Council | None = None, limit: int = 500) -> list[Meeting]:
    """Meetings for a calendar feed: everything published (cancelled ones too, so subscribers learn of
    it) from a year back on, soonest first."""
    since = utcnow() - timedelta(days=365)
    stmt = (select(Meeting).where(visible_meetings_filter(user, drafts=False), Meeting.ends_at >= since)
            .options(selectinload(Meeting.items), selectinload(Meeting.council))
            .order_by(Meeting.starts_at, Meeting.id).limit(limit))
    if council is not None:
        stmt = stmt.where(Meeting.council_id == council.id)
    return list(db.session.scalars(stmt))


def visible_proposal_clause(user) -> ColumnElement[bool]:
    """Linked proposals shown to `user`: never drafts, never those of councils `user` may not see."""
    return and_(Proposal.status != "draft", council_column_visible(Proposal.council_id, user))


def linked_proposals(items, user) -> dict[int, list[Proposal]]:
    """Per agenda item id, the linked proposals `user` may see (one query for all items)."""
    ids = [item.id for item in items]
    result: dict[int, list[Proposal]] = defaultdict(list)
    if not ids:
        return result
    rows = db.session.execute(
        select(agenda_item_proposals.c.agenda_item_id, Proposal)
        .join(Proposal, Proposal.id == agenda_item_proposals.c.proposal_id)
        .where(agenda_item_proposals.c.agenda_item_id.in_(ids), visible_proposal_clause(user))
        .options(joinedload(Proposal.council)).order_by(Proposal.id)
    ).all()
    for item_id, proposal in rows:
        result[item_id].append(proposal)
    return result


def meetings_discussing(proposal: Proposal, user) -> list[tuple[Meeting, AgendaItem]]:
    """Published meetings `user` may see whose agenda links `proposal`, latest first, with the item
    (for the proposal page: "discussed in …")."""
    rows = db.session.execute(
        select(Meeting, AgendaItem)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .join(agenda_item_proposals, agenda_item_proposals.c.agenda_item_id == AgendaItem.id)
        .where(agenda_item_proposals.c.proposal_id == proposal.id, visible_meetings_filter(user, drafts=False))
        .order_by(Meeting.starts_at.desc(), AgendaItem.position)
    ).all()
    return [(meeting, item) for meeting, item in rows]


def linkable_proposals(user, limit: int = 200) -> list[Proposal]:
    """Proposals `user` may link to an agenda item: those they may see, newest first."""
    return list(db.session.scalars(
        select(Proposal).where(visible_proposal_clause(user), Proposal.status != "withdrawn")
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit)
    ))
