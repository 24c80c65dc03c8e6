"""Rebuild the counters on proposals from the rows they count (`forum recount-votes`)."""
from __future__ import annotations

from sqlalchemy import func, or_, select, update

from ..accounts.models import STAKEHOLDERS
from ..extensions import db
from .models import CHOICES, Comment, Proposal, Vote, tally_column
from .voting import TOTAL_COLUMNS


def expected_counters() -> dict:
    """{column: correlated scalar subquery} giving each counter's true value for a proposal row."""
    def count_votes(*conditions):
        return (select(func.count(Vote.id)).where(Vote.proposal_id == Proposal.id, *conditions)
                .correlate(Proposal).scalar_subquery())

    columns = {"votes_count": count_votes()}
    for choice in CHOICES:
        columns[TOTAL_COLUMNS[choice]] = count_votes(Vote.choice == choice)
        for stakeholder in STAKEHOLDERS:
            columns[tally_column(stakeholder, choice)] = count_votes(Vote.choice == choice,
                                                                     Vote.stakeholder == stakeholder)
    columns["comments_count"] = (
        select(func.count(Comment.id)).where(Comment.proposal_id == Proposal.id, Comment.deleted_at.is_(None))
        .correlate(Proposal).scalar_subquery()
    )
    return columns


def recount() -> int:
    """Set every proposal's counters to the counts of its rows; returns how many proposals were wrong."""
    columns = expected_counters()
    wrong = or_(*[getattr(Proposal, name) != expr for name, expr in columns.items()])
    ids = list(db.session.scalars(select(Proposal.id).where(wrong)))
    if ids:
        values = {name: expr for name, expr in columns.items()}
        values["updated_at"] = Proposal.updated_at
        db.session.execute(update(Proposal).where(Proposal.id.in_(ids)).values(values),
                           execution_options={"synchronize_session": False})
        db.session.flush()
    return len(ids)


def mismatches() -> list[int]:
    """Ids of proposals whose stored counters differ from their rows (for checks and tests)."""
    columns = expected_counters()
    return list(db.session.scalars(
        select(Proposal.id).where(or_(*[getattr(Proposal, name) != expr for name, expr in columns.items()]))
        .order_by(Proposal.id)
    ))
