"""Reading proposals: the filtered, sorted, searchable list shared by the page and the API.

A list page costs a fixed number of queries whatever `per_page` is: one COUNT, one SELECT of
the page with authors and councils joined, one SELECT of the page's tags.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, exists, false, func, literal, null, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from ..accounts.models import STAKEHOLDERS, User
from ..councils.models import Council
from ..councils.visibility import council_column_visible, visible_council_filter
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..permissions import hidden_text_visible
from .models import STATUSES, Follow, Proposal, ProposalTag, Vote
from .search import normalise_query, search_clause
from .services import TAG_MAX

# Proposals that hide their counts until voting closes sort as if they had no votes yet, so the
# order does not reveal what the counts would.
_SHOWN_VOTES = case((and_(Proposal.hide_votes, Proposal.status.in_(("published", "voting"))), 0),
                    else_=Proposal.votes_count)
SORTS = {
    "newest": (Proposal.created_at.desc(), Proposal.id.desc()),
    "votes": (_SHOWN_VOTES.desc(), Proposal.id.desc()),
    "comments": (Proposal.comments_count.desc(), Proposal.id.desc()),
}
# What the list shows without a status filter: no drafts, no withdrawn proposals.
DEFAULT_HIDDEN = ("draft", "withdrawn")


@dataclass(frozen=True)
class ListFilters:
    council: Council | None = None
    status: str | None = None
    stakeholder: str | None = None
    tag: str | None = None
    q: str = ""
    sort: str = "newest"


def _arg(args, name: str, max_length: int = 80) -> str | None:
    value = args.get(name)
    if value is None or not value.strip():
        return None
    if "\x00" in value or len(value) > max_length:
        raise BadRequest(_("Der Filter '%(name)s' ist ungültig.", name=name), "invalid_filter")
    return value.strip()


def parse_filters(args, user) -> ListFilters:
    """Filters from query arguments. Unknown sort, status or stakeholder is a 400; a council the
    user may not see (or that does not exist) is a 404, never a hint that it exists."""
    sort = _arg(args, "sort") or "newest"
    if sort not in SORTS:
        raise BadRequest(_("Unbekannte Sortierung. Erlaubt: %(sorts)s.", sorts=', '.join(SORTS)), "invalid_sort")
    status = _arg(args, "status")
    if status is not None and status not in STATUSES:
        raise BadRequest(_("Unbekannter Status."), "invalid_status")
    stakeholder = _arg(args, "stakeholder")
    if stakeholder is not None and stakeholder not in STAKEHOLDERS:
        raise BadRequest(_("Unbekannte Gruppe."), "invalid_stakeholder")
    tag = _arg(args, "tag", TAG_MAX * 2)
    tag = "-".join(tag.lower().split()) if tag else None
    council = None
    slug = _arg(args, "council")
    if slug is not None:
        council = db.session.scalar(select(Council).where(Council.slug == slug, visible_council_filter(user)))
        if council is None:
            raise NotFound(_("Diesen Fachbeirat gibt es nicht."))
    raw_q = args.get("q") or ""
    if "\x00" in raw_q:
        raise BadRequest(_("Die Suche enthält ungültige Zeichen."), "invalid_query")
    return ListFilters(council=council, status=status, stakeholder=stakeholder, tag=tag,
                       q=normalise_query(raw_q), sort=sort)


def list_statement(filters: ListFilters, user) -> Select:
    """SELECT of the proposals `user` may see that match `filters`, in the chosen order."""
    uid = user.id if getattr(user, "is_authenticated", False) else None
    stmt = select(Proposal).where(council_column_visible(Proposal.council_id, user))
    if filters.status == "draft":
        # Drafts are private: the filter shows one's own.
        stmt = stmt.where(Proposal.status == "draft", Proposal.author_id == uid if uid else false())
    elif filters.status:
        stmt = stmt.where(Proposal.status == filters.status)
    else:
        stmt = stmt.where(Proposal.status.not_in(DEFAULT_HIDDEN))
    if filters.council is not None:
        stmt = stmt.where(Proposal.council_id == filters.council.id)
    if filters.stakeholder:
        stmt = stmt.where(Proposal.author_id.in_(select(User.id).where(User.stakeholder == filters.stakeholder)))
    if filters.tag:
        stmt = stmt.where(Proposal.id.in_(select(ProposalTag.proposal_id).where(ProposalTag.tag == filters.tag)))
    if filters.q:
        stmt = stmt.where(hidden_text_visible(Proposal, user, Proposal.council_id))
        clause = search_clause(filters.q, db.session.get_bind().dialect.name)
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt.order_by(*SORTS[filters.sort])


# What the list page shows of a proposal and its author (the API shows more: it loads whole rows).
LIST_COLUMNS = (Proposal.id, Proposal.title, Proposal.status, Proposal.council_id, Proposal.author_id,
                Proposal.created_at, Proposal.hidden_at, Proposal.excerpt, Proposal.hide_votes,
                Proposal.votes_count, Proposal.comments_count)


def with_list_details(stmt: Select, lean: bool = False) -> Select:
    """Load authors and councils in the same query, tags in one more; `lean`: only the columns the
    list page shows (not the body, the 18 vote counters or the author's password hash)."""
    # joinedload aliases the joined tables, so the visibility subqueries over Council and User
    # in the WHERE clause are not correlated with them.
    if lean:
        return stmt.options(load_only(*LIST_COLUMNS), joinedload(Proposal.author).load_only(User.name, User.stakeholder),
                            joinedload(Proposal.council), selectinload(Proposal.tags))
    return stmt.options(joinedload(Proposal.author), joinedload(Proposal.council), selectinload(Proposal.tags))


def count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def page_of(filters: ListFilters, user, page: int, per_page: int, lean: bool = False) -> tuple[list[Proposal], int]:
    """One page of the list and the total number of matches (`lean`: see with_list_details)."""
    stmt = list_statement(filters, user)
    total = count(stmt)
    items = list(db.session.scalars(
        with_list_details(stmt, lean).limit(per_page).offset((page - 1) * per_page)
    ).unique())
    return items, total


def page_of_proposal(proposal_id: int, user) -> tuple[Proposal | None, str | None, bool]:
    """The proposal page's proposal with author, council, tags and files, and the viewer's vote and follow,
    in one query: (proposal or None, the viewer's choice or None, whether the viewer follows it).
    Whether the viewer may see it is the caller's question."""
    uid = user.id if getattr(user, "is_authenticated", False) else None
    if uid is None:
        mine, following = null(), literal(False)
    else:
        mine = (select(Vote.choice).where(Vote.proposal_id == Proposal.id, Vote.user_id == uid)
                .scalar_subquery())
        following = exists().where(Follow.proposal_id == Proposal.id, Follow.user_id == uid)
    row = db.session.execute(
        select(Proposal, mine.label("my_vote"), following.label("following")).where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.author), joinedload(Proposal.council), joinedload(Proposal.tags),
                 joinedload(Proposal.files))
    ).unique().first()
    if row is None:
        return None, None, False
    return row[0], row[1], bool(row[2])
