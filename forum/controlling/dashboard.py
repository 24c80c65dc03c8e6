"""The controlling dashboard's figures: portfolio, budget, milestones, scores, participation.

Every function reads; nothing here changes data. The dashboard is for staff only, so figures
include internal projects and private councils (the route checks `can_view_dashboard`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, case, cast, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from ..accounts.models import STAKEHOLDERS
from ..councils.models import Council
from ..extensions import db
from ..proposals.models import CHOICES, Proposal, tally_column
from .cooperation_models import CooperationRequest
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
    """The filtered projects with their milestones (one query)."""
    return list(db.session.scalars(filters.apply(select(Project)).options(joinedload(Project.milestones))
                                   .order_by(Project.department, Project.title)).unique())


def counts(filters: Filters, user) -> dict[str, dict[str, int]]:
    """Every count of the dashboard in one query (a UNION ALL of GROUP BYs), by series:
    project_status and department (filtered projects), all_departments (every project `user` may
    see), proposal_status, meeting_status, request_status, council_meetings (meetings held or
    announced per council id, drafts left out)."""
    from ..meetings.models import Meeting
    from .projects import visible_project_filter

    def branch(series: str, key, counted, *where, filtered: bool = False):
        stmt = select(literal(series).label("series"), cast(key, String).label("key"),
                      func.count(counted).label("n")).where(*where).group_by(key)
        return filters.apply(stmt) if filtered else stmt

    rows = db.session.execute(union_all(
        branch("project_status", Project.status, Project.id, filtered=True),
        branch("department", Project.department, Project.id, filtered=True),
        branch("all_departments", Project.department, Project.id, visible_project_filter(user)),
        branch("proposal_status", Proposal.status, Proposal.id),
        branch("meeting_status", Meeting.status, Meeting.id),
        branch("request_status", CooperationRequest.status, CooperationRequest.id),
        branch("council_meetings", Meeting.council_id, Meeting.id, Meeting.status != "draft",
               Meeting.council_id.is_not(None)),
    ))
    found: dict[str, dict[str, int]] = {}
    for series, key, n in rows:
        found.setdefault(series, {})[key] = n
    return found


def in_order(found: dict[str, int], order) -> list[tuple[str, int]]:
    """(key, count) for every key of `order`, zero counts included."""
    return [(key, found.get(key, 0)) for key in order]


def by_department(found: dict[str, int]) -> list[tuple[str, int]]:
    """Most projects first, then by name."""
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))


def budget_totals(rows: list[Project]) -> dict:
    budget = sum(p.budget_eur or 0 for p in rows)
    spent = sum(p.spent_eur for p in rows)
    return {"budget": budget, "spent": spent, "percent": round(100 * spent / budget) if budget else None,
            "over": [p for p in rows if p.budget_eur is not None and p.spent_eur > p.budget_eur]}


def milestones(rows: list[Project], today: date) -> tuple[list[Milestone], list[Milestone]]:
    """(late, due within DUE_SOON_DAYS) open milestones of the projects, soonest first."""
    open_ones = sorted((m for p in rows for m in p.milestones if m.done_on is None),
                       key=lambda m: (m.due_date, m.id))
    soon_until = today + timedelta(days=DUE_SOON_DAYS)
    return ([m for m in open_ones if m.due_date < today],
            [m for m in open_ones if today <= m.due_date <= soon_until])


def score_table(rows: list[Project]) -> tuple[object, dict[int, scoring.SubjectScore]]:
    catalogue = scoring.current_catalogue()
    if catalogue is None:
        return None, {}
    return catalogue, scoring.project_scores([p.id for p in rows], catalogue)


def participation() -> tuple[dict[str, int], list[tuple[str, list[int]]], list[dict]]:
    """(votes for/against/abstaining, the same per stakeholder group — both summed over proposals
    whose counts are shown —, per council activity) in one query: the sums are a one-row derived
    table that the councils are joined to.

    Per council: members, proposals (not drafts), votes cast on them (where counts are shown),
    latest proposal; `meetings` is filled in from `counts()`."""
    columns = [("for", Proposal.votes_for), ("against", Proposal.votes_against), ("abstain", Proposal.votes_abstain)]
    columns += [(f"{group}_{choice}", getattr(Proposal, tally_column(group, choice)))
                for group in STAKEHOLDERS for choice in CHOICES]
    totals = select(*[func.coalesce(func.sum(column), 0).label(name) for name, column in columns]
                    ).where(votes_shown_clause()).subquery()
    council = (Council.id, Council.name, Council.slug, Council.visibility, Council.members_count)
    rows = db.session.execute(
        select(*totals.c, *council, func.count(Proposal.id),
               func.coalesce(func.sum(case((votes_shown_clause(), Proposal.votes_for + Proposal.votes_against
                                            + Proposal.votes_abstain), else_=0)), 0),
               func.max(Proposal.created_at))
        .select_from(totals).outerjoin(Council, Council.archived_at.is_(None))
        .outerjoin(Proposal, (Proposal.council_id == Council.id) & (Proposal.status != "draft"))
        .group_by(*totals.c, *council).order_by(Council.name)).all()
    sums = [int(v) for v in rows[0][:len(columns)]]
    votes = dict(zip(("for", "against", "abstain"), sums[:3]))
    per_group = sums[3:]
    by_group = [(group, per_group[i * len(CHOICES):(i + 1) * len(CHOICES)]) for i, group in enumerate(STAKEHOLDERS)]
    n = len(columns)
    activity = [{"id": r[n], "name": r[n + 1], "slug": r[n + 2], "private": r[n + 3] == "private",
                 "members": r[n + 4], "proposals": r[n + 5], "votes": int(r[n + 6]), "latest": r[n + 7]}
                for r in rows if r[n] is not None]
    return votes, by_group, activity
