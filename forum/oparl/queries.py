"""What OParl shows: exactly what an anonymous visitor may see, read in a few queries per page.

Private councils and everything in them (meetings, proposals, memberships) are filtered through
`forum.councils.visibility` with no user, the one place that decides council visibility.

People: a person is public when they agreed on their profile (`User.public_listing`) or moderate a
public council (the council page names its moderators to everyone). A membership is public when it
is in a public council and its person agreed, or it is a moderator's (the same fact the council
page shows); other members stay unnamed."""
from __future__ import annotations

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..councils.models import Council, Membership
from ..councils.visibility import council_column_visible, visible_council_filter
from ..extensions import db
from ..meetings.models import PUBLIC_STATUSES, AgendaItem, Meeting, agenda_item_proposals
from ..proposals.models import Proposal

ANONYMOUS = None


def _public_council_ids():
    return select(Council.id).where(visible_council_filter(ANONYMOUS))


def councils() -> Select:
    return select(Council).where(visible_council_filter(ANONYMOUS)).order_by(Council.id)


def _public_membership():
    """Over `Membership` joined with its `User`."""
    return and_(Membership.council_id.in_(_public_council_ids()),
                or_(Membership.role == "moderator", User.public_listing.is_(True)))


def memberships() -> Select:
    return (select(Membership).join(User, User.id == Membership.user_id).where(_public_membership())
            .order_by(Membership.id))


def membership_ids_by_council(council_ids: list[int]) -> dict[int, list[int]]:
    """{council id: [public membership ids]} for one page of councils, in one query."""
    found: dict[int, list[int]] = {cid: [] for cid in council_ids}
    if council_ids:
        rows = db.session.execute(
            select(Membership.council_id, Membership.id).join(User, User.id == Membership.user_id)
            .where(Membership.council_id.in_(council_ids), _public_membership()).order_by(Membership.id))
        for council_id, membership_id in rows:
            found[council_id].append(membership_id)
    return found


def people() -> Select:
    moderates_public = exists().where(Membership.user_id == User.id, Membership.role == "moderator",
                                      Membership.council_id.in_(_public_council_ids()))
    return select(User).where(or_(User.public_listing.is_(True), moderates_public)).order_by(User.id)


def public_people(user_ids) -> set[int]:
    """Those of `user_ids` who are a public Person, in one query."""
    if not user_ids:
        return set()
    return set(db.session.scalars(people().with_only_columns(User.id).where(User.id.in_(user_ids))))


def memberships_by_person(user_ids: list[int]) -> dict[int, list[Membership]]:
    """{user id: [public memberships]} for one page of people, in one query."""
    found: dict[int, list[Membership]] = {uid: [] for uid in user_ids}
    if user_ids:
        rows = db.session.scalars(memberships().where(Membership.user_id.in_(user_ids)))
        for membership in rows:
            found[membership.user_id].append(membership)
    return found


def meetings(council_id: int | None = None) -> Select:
    stmt = (select(Meeting).where(Meeting.status.in_(PUBLIC_STATUSES),
                                  council_column_visible(Meeting.council_id, ANONYMOUS))
            .options(selectinload(Meeting.items)).order_by(Meeting.id))
    if council_id is not None:
        stmt = stmt.where(Meeting.council_id == council_id)
    return stmt


def agenda_item(item_id: int) -> AgendaItem | None:
    return db.session.scalar(select(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
                             .where(AgendaItem.id == item_id, meetings().whereclause))


def papers(*, deleted: bool = True) -> Select:
    """Every proposal past its draft in public view. Hidden ones (the moderation's) are removed
    objects: shown as `deleted` stubs, and left out entirely with `deleted=False`."""
    stmt = (select(Proposal).where(Proposal.status != "draft",
                                   council_column_visible(Proposal.council_id, ANONYMOUS))
            .options(selectinload(Proposal.tags)).order_by(Proposal.id))
    return stmt if deleted else stmt.where(Proposal.hidden_at.is_(None))


def consultations(*, item_ids=None, paper_ids=None) -> list[tuple[int, int, Meeting]]:
    """(agenda item id, proposal id, meeting) for each public proposal on a public meeting's agenda,
    in the order of the meetings and their items; narrowed to the items or proposals given, in one query."""
    link = agenda_item_proposals.c
    stmt = (select(link.agenda_item_id, link.proposal_id, Meeting)
            .join(AgendaItem, AgendaItem.id == link.agenda_item_id).join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(meetings().whereclause, link.proposal_id.in_(select(Proposal.id).where(
                papers(deleted=False).whereclause)))
            .order_by(Meeting.starts_at, Meeting.id, AgendaItem.position, link.proposal_id))
    if item_ids is not None:
        stmt = stmt.where(link.agenda_item_id.in_(item_ids))
    if paper_ids is not None:
        stmt = stmt.where(link.proposal_id.in_(paper_ids))
    return [tuple(row) for row in db.session.execute(stmt)]


def paper_modified():
    """A paper's `modified` as a column: the proposal's last change, or a later change of a public
    meeting that treats it (the meeting's agenda holds the paper's consultations). A removed object's
    is the proposal's alone. Filters `modified_since` on papers with what `objects.paper` shows."""
    link = agenda_item_proposals.c
    latest = (select(func.max(Meeting.updated_at)).select_from(agenda_item_proposals)
              .join(AgendaItem, AgendaItem.id == link.agenda_item_id).join(Meeting, Meeting.id == AgendaItem.meeting_id)
              .where(link.proposal_id == Proposal.id, meetings().whereclause).scalar_subquery())
    return case((and_(Proposal.hidden_at.is_(None), latest > Proposal.updated_at), latest),
                else_=Proposal.updated_at)


def files_of(kind: str, ids) -> dict:
    """{owner id: [StoredFile]} for one page of meetings or proposals, in one query; the caller
    passes only owners it showed (a hidden proposal's files are not asked for)."""
    from ..files.services import files_for

    return files_for(kind, ids)


def stored_file(file_id: int):
    """A file whose meeting is public, or whose proposal is public and not hidden; else None."""
    from ..files.models import StoredFile

    row = db.session.get(StoredFile, file_id)
    if row is None:
        return None
    if row.meeting_id is not None:
        return row if one(meetings(), Meeting, row.meeting_id) is not None else None
    return row if one(papers(deleted=False), Proposal, row.proposal_id) is not None else None


def one(stmt: Select, model, object_id: int):
    """The row of `stmt` with this id, or None."""
    return db.session.scalar(stmt.where(model.id == object_id))


def first_activity():
    """When the forum started: its oldest account (the body and its one legislative term begin then)."""
    return db.session.scalar(select(func.min(User.created_at)))
