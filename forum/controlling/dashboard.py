"""The controlling dashboard's figures: portfolio, budget, milestones, scores, participation.

Every function reads; nothing here changes data. The dashboard is for staff only, so figures
include internal projects and private councils (the route checks `can_view_dashboard`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from ..accounts.models import STAKEHOLDERS
from ..councils.models import Council
from ..extensions import db
from ..proposals.models import STATUSES as PROPOSAL_STATUSES
from ..proposals.models import CHOICES, Proposal, tally_column
from .cooperation_models import REQUEST_STATUSES, CooperationRequest
from .models import PROJECT_STATUSES, Milestone, Project
from . import scoring
from .open_data import votes_shown_clause

DUE_SOON_DAYS = 30


@dataclass
class Filters:
    status: str | None = None
    department: str | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        status = args.get("status") or None
        return cls(status=status if status in PROJECT_STATUSES else None,
                   department=(args.get("department") or "").strip()[:200] or None)

    def apply(self, stmt):
        if self.status:
            stmt = stmt.where(Project.status == self.status)
        if self.department:
            stmt = stmt.where(Project.department == self.department)
        return stmt


def projects(filters: Filters) -> list[Project]:
    return list(db.session.scalars(filters.apply(select(Project)).order_by(Project.department, Project.title)))


def by_status(filters: Filters) -> list[tuple[str, int]]:
    """(status, count) for every status, in life-cycle order, zero counts included."""
    counts = dict(db.session.execute(
        filters.apply(select(Project.status, func.count(Project.id))).group_by(Project.status)).all())
    return [(status, counts.get(status, 0)) for status in PROJECT_STATUSES]


def by_department(filters: Filters) -> list[tuple[str, int]]:
    return [tuple(row) for row in db.session.execute(
        filters.apply(select(Project.department, func.count(Project.id)))
        .group_by(Project.department).order_by(func.count(Project.id).desc(), Project.department))]


def budget_totals(rows: list[Project]) -> dict:
    budget = sum(p.budget_eur or 0 for p in rows)
    spent = sum(p.spent_eur for p in rows)
    return {"budget": budget, "spent": spent, "percent": round(100 * spent / budget) if budget else None,
            "over": [p for p in rows if p.budget_eur is not None and p.spent_eur > p.budget_eur]}


def milestones(filters: Filters, today: date) -> tuple[list[Milestone], list[Milestone]]:
    """(late, due within DUE_SOON_DAYS) open milestones of the filtered projects, soonest first."""
    stmt = filters.apply(select(Milestone).join(Project, Project.id == Milestone.project_id)
                         .options(contains_eager(Milestone.project)).where(Milestone.done_on.is_(None)))
    late = list(db.session.scalars(stmt.where(Milestone.due_date < today).order_by(Milestone.due_date)))
    soon = list(db.session.scalars(stmt.where(Milestone.due_date >= today,
                                              Milestone.due_date <= today + timedelta(days=DUE_SOON_DAYS))
                                   .order_by(Milestone.due_date)))
    return late, soon


def score_table(rows: list[Project]) -> tuple[object, dict[int, scoring.SubjectScore]]:
    catalogue = scoring.current_catalogue()
    if catalogue is None:
        return None, {}
    return catalogue, scoring.project_scores([p.id for p in rows], catalogue)


def proposals_by_status() -> list[tuple[str, int]]:
    counts = dict(db.session.execute(select(Proposal.status, func.count(Proposal.id)).group_by(Proposal.status)).all())
    return [(status, counts.get(status, 0)) for status in PROPOSAL_STATUSES if status != "draft"]


def vote_totals() -> dict[str, int]:
    """Votes for, against and abstaining over all proposals whose counts are shown."""
    row = db.session.execute(select(func.coalesce(func.sum(Proposal.votes_for), 0),
                                    func.coalesce(func.sum(Proposal.votes_against), 0),
                                    func.coalesce(func.sum(Proposal.votes_abstain), 0))
                             .where(votes_shown_clause())).one()
    return {"for": int(row[0]), "against": int(row[1]), "abstain": int(row[2])}


def votes_by_stakeholder() -> list[tuple[str, list[int]]]:
    """(stakeholder group, [for, against, abstain]) summed over proposals whose counts are shown."""
    columns = [func.coalesce(func.sum(getattr(Proposal, tally_column(group, choice))), 0)
               for group in STAKEHOLDERS for choice in CHOICES]
    row = db.session.execute(select(*columns).where(votes_shown_clause())).one()
    values = [int(v) for v in row]
    return [(group, values[i * len(CHOICES):(i + 1) * len(CHOICES)]) for i, group in enumerate(STAKEHOLDERS)]


def council_activity() -> list[dict]:
    """Per council: members, proposals (not drafts), votes cast on them (where counts are shown),
    latest proposal, and meetings held or announced (not drafts)."""
    from ..meetings.models import Meeting

    meetings = dict(db.session.execute(select(Meeting.council_id, func.count(Meeting.id))
                                       .where(Meeting.status != "draft", Meeting.council_id.is_not(None))
                                       .group_by(Meeting.council_id)).all())
    rows = db.session.execute(
        select(Council.id, Council.name, Council.slug, Council.visibility, Council.members_count,
               func.count(Proposal.id),
               func.coalesce(func.sum(case((votes_shown_clause(), Proposal.votes_for + Proposal.votes_against
                                            + Proposal.votes_abstain), else_=0)), 0),
               func.max(Proposal.created_at))
        .outerjoin(Proposal, (Proposal.council_id == Council.id) & (Proposal.status != "draft"))
        .where(Council.archived_at.is_(None))
        .group_by(Council.id, Council.name, Council.slug, Council.visibility, Council.members_count)
        .order_by(Council.name)).all()
    return [{"name": r[1], "slug": r[2], "private": r[3] == "private", "members": r[4], "proposals": r[5],
             "votes": int(r[6]), "latest": r[7], "meetings": meetings.get(r[0], 0)} for r in rows]


def meetings_by_status() -> list[tuple[str, int]]:
    """Meetings of the forum and all councils by status (drafts left out)."""
    from ..meetings.models import PUBLIC_STATUSES, Meeting

    counts = dict(db.session.execute(select(Meeting.status, func.count(Meeting.id)).group_by(Meeting.status)).all())
    return [(status, counts.get(status, 0)) for status in PUBLIC_STATUSES]


def requests_by_status() -> list[tuple[str, int]]:
    counts = dict(db.session.execute(select(CooperationRequest.status, func.count(CooperationRequest.id))
                                     .group_by(CooperationRequest.status)).all())
    return [(status, counts.get(status, 0)) for status in REQUEST_STATUSES]
