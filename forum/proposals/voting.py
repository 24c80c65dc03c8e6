"""Votes: cast, change, withdraw — with the proposal's counters updated in the same transaction.

Every vote write first takes the proposal's lock (locking.py), re-reads status and the voter's
current vote, then writes the vote row and `UPDATE proposals SET x = x + d` for the totals and
the voter group's counter. The database keeps one vote per person and proposal (unique
constraint) and the choice in a closed set (check constraint).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import STAKEHOLDERS
from ..broadcast import emit_after_commit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..permissions import can_view_proposal, is_verified_member, voting_open
from .locking import lock_proposal
from .models import CHOICES, Proposal, Vote, tally_column
from .schemas import votes_or_hidden
from .services import _not_verified

TOTAL_COLUMNS = {"for": "votes_for", "against": "votes_against", "abstain": "votes_abstain"}
HIDDEN_WHILE = ("draft", "published", "voting")


def votes_visible(proposal: Proposal) -> bool:
    """Counts are shown unless the proposal hides them until voting has closed."""
    if not proposal.hide_votes:
        return True
    return proposal.status not in HIDDEN_WHILE or (proposal.status == "voting" and not voting_open(proposal))


def vote_of(proposal: Proposal, user) -> str | None:
    """The choice `user` made on `proposal`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Vote.choice).where(Vote.proposal_id == proposal.id, Vote.user_id == user.id))


COUNTER_COLUMNS = ("votes_count", *TOTAL_COLUMNS.values(),
                   *(tally_column(s, c) for s in STAKEHOLDERS for c in CHOICES))


def _apply(proposal: Proposal, deltas: dict[str, int]) -> None:
    """`UPDATE proposals SET x = x + d …` and take the new values back in the same round trip."""
    deltas = {column: d for column, d in deltas.items() if d}
    if not deltas:
        return
    table = Proposal.__table__
    values = {column: table.c[column] + d for column, d in deltas.items()}
    values["updated_at"] = table.c.updated_at  # a vote is not an edit of the proposal
    row = db.session.execute(update(table).where(table.c.id == proposal.id).values(values)
                             .returning(*(table.c[c] for c in COUNTER_COLUMNS))).one()
    for column, value in zip(COUNTER_COLUMNS, row):
        set_committed_value(proposal, column, value)


def _count(deltas: dict[str, int], choice: str, stakeholder: str, sign: int) -> None:
    for column in (TOTAL_COLUMNS[choice], tally_column(stakeholder, choice), "votes_count"):
        deltas[column] = deltas.get(column, 0) + sign


def _load_for_vote(proposal: Proposal | int, voter) -> tuple[Proposal, Vote | None]:
    """The locked proposal (given as object or id: it is read afresh either way), then the voter's
    current vote.

    The vote is read in its own statement *after* the lock is held: a statement that waited for a
    row lock sees the locked row's new version but the rest of its old snapshot on PostgreSQL, so a
    join in the locking query could miss a vote committed meanwhile."""
    locked = lock_proposal(proposal if isinstance(proposal, int) else proposal.id)
    if locked is None or not can_view_proposal(voter, locked):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    if not is_verified_member(voter):
        raise _not_verified(voter)
    if not voting_open(locked):
        raise Conflict(_("Über diesen Vorschlag wird gerade nicht abgestimmt."), "voting_closed")
    existing = db.session.scalar(
        select(Vote).where(Vote.proposal_id == locked.id, Vote.user_id == voter.id)
        .execution_options(populate_existing=True)
    )
    return locked, existing


def cast_vote(proposal: Proposal | int, voter, choice) -> Proposal:
    """Cast or change `voter`'s vote; returns the proposal with fresh counters. After the commit
    the room `proposal:<id>` hears the counts (`votes`, unless they are hidden).

    Raises Invalid (choice not for/against/abstain), NotFound (may not see it), NotAllowed
    (not a verified member; the message says why) or Conflict (`voting_closed`)."""
    if choice not in CHOICES:
        raise Invalid(_("Die Stimme muss „for“, „against“ oder „abstain“ sein."), "invalid_choice")
    proposal, existing = _load_for_vote(proposal, voter)
    stakeholder = voter.stakeholder if voter.stakeholder in STAKEHOLDERS else "citizen"
    deltas: dict[str, int] = {}
    if existing is None:
        db.session.add(Vote(proposal_id=proposal.id, user_id=voter.id, choice=choice, stakeholder=stakeholder))
        _count(deltas, choice, stakeholder, +1)
    elif existing.choice != choice or existing.stakeholder != stakeholder:
        _count(deltas, existing.choice, existing.stakeholder, -1)
        _count(deltas, choice, stakeholder, +1)
        existing.choice, existing.stakeholder, existing.updated_at = choice, stakeholder, utcnow()
    else:
        announce_votes(proposal)
        return proposal
    db.session.flush()
    _apply(proposal, deltas)
    announce_votes(proposal)
    return proposal


def withdraw_vote(proposal: Proposal | int, voter) -> Proposal:
    """Withdraw `voter`'s vote while voting is open (no vote: nothing changes); announced like cast_vote.

    Raises NotFound, NotAllowed or Conflict (`voting_closed`) like cast_vote."""
    proposal, existing = _load_for_vote(proposal, voter)
    if existing is None:
        announce_votes(proposal)
        return proposal
    deltas: dict[str, int] = {}
    _count(deltas, existing.choice, existing.stakeholder, -1)
    db.session.delete(existing)
    db.session.flush()
    _apply(proposal, deltas)
    announce_votes(proposal)
    return proposal


def shown_votes(proposal: Proposal) -> dict:
    """What the vote endpoints answer and announce, taken before the commit expires the counters:
    `{"votes": {...}, "votes_hidden": false}` or `{"votes": None, "votes_hidden": true}`."""
    return votes_or_hidden(proposal)


def announce_votes(proposal: Proposal) -> None:
    """Queue the counts as they are now for the live room `proposal:<id>` (the `votes` event,
    after the commit; nothing while they are hidden). A later announcement in the same
    transaction replaces this one."""
    shown = shown_votes(proposal)
    if shown["votes_hidden"]:
        return
    emit_after_commit(f"proposal:{proposal.id}", "votes", {"proposal_id": proposal.id, "votes": shown["votes"]},
                      key=("votes", proposal.id))
