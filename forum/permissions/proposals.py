"""Proposals, their comments and votes, and live rooms."""
from __future__ import annotations

from .people import (can_moderate, can_view_council, is_signed_in, is_suspended, is_verified_member,
                     welcomes_visitors)


@welcomes_visitors
def can_view_proposal(user, proposal) -> bool:
    """Drafts only for their author; everything else for whoever may see its council."""
    if proposal is None:
        return False
    if proposal.status == "draft":
        return is_signed_in(user) and proposal.author_id == user.id
    return can_view_council(user, proposal.council)


# Statuses in which a proposal takes comments (not drafts, not withdrawn ones).
COMMENTABLE_STATUSES = ("published", "voting", "accepted", "rejected", "implementing", "done")
COMMENT_EDIT_MINUTES = 15


def can_create_proposal(user, council=None) -> bool:
    """Verified members; in a council only if they may see it and it is not archived."""
    if not is_verified_member(user):
        return False
    if council is None:
        return True
    return can_view_council(user, council) and not council.is_archived


def is_proposal_author(user, proposal) -> bool:
    return is_signed_in(user) and proposal is not None and proposal.author_id == user.id


def can_edit_proposal(user, proposal) -> bool:
    """The author, while the proposal is a draft or published (not yet in voting)."""
    return is_proposal_author(user, proposal) and proposal.status in ("draft", "published") and not is_suspended(user)


def can_withdraw_proposal(user, proposal) -> bool:
    """The author, before the proposal is decided (draft, published or voting)."""
    return is_proposal_author(user, proposal) and proposal.status in ("draft", "published", "voting")


def voting_open(proposal) -> bool:
    """Status `voting` and the optional end of voting not yet passed."""
    from ..database import utcnow

    if proposal is None or proposal.status != "voting":
        return False
    return proposal.voting_ends_at is None or utcnow() < proposal.voting_ends_at


def can_take_part(user, proposal) -> bool:
    """Verified members who may see the proposal: they vote while voting is open (can_vote) and
    comment while it takes comments (can_comment)."""
    return is_verified_member(user) and can_view_proposal(user, proposal)


def can_vote(user, proposal) -> bool:
    """Who may take part, while voting is open."""
    return voting_open(proposal) and can_take_part(user, proposal)


def can_comment(user, proposal) -> bool:
    """Who may take part, unless the proposal is a draft or withdrawn."""
    return proposal is not None and proposal.status in COMMENTABLE_STATUSES and can_take_part(user, proposal)


def can_change_status(user, proposal) -> bool:
    """Moderators of the proposal's council; for forum-wide proposals the managing director (and admin).
    Drafts belong to their author alone."""
    return proposal is not None and proposal.status != "draft" and can_moderate(user, proposal.council)


def can_move_proposal(user, proposal) -> bool:
    """Use the status form at all: the author (publish, withdraw) or whoever moves the proposal along;
    which step each of them may take is the life cycle's to say (lifecycle.allowed_transitions)."""
    return is_proposal_author(user, proposal) or can_change_status(user, proposal)


def can_respond(user, proposal) -> bool:
    """Who may give the official response: the same people who move the proposal along."""
    return can_change_status(user, proposal)


def can_follow(user, proposal) -> bool:
    return is_signed_in(user) and can_view_proposal(user, proposal)


def can_edit_comment(user, comment) -> bool:
    """The comment's author, for COMMENT_EDIT_MINUTES after writing it, while it is not deleted."""
    from datetime import timedelta

    from ..database import utcnow

    if (not is_signed_in(user) or comment is None or comment.author_id != user.id or comment.deleted_at is not None
            or is_suspended(user)):
        return False
    return utcnow() - comment.created_at <= timedelta(minutes=COMMENT_EDIT_MINUTES)


def can_delete_comment(user, comment) -> bool:
    """The comment's author (moderation of others' comments belongs to the moderation feature)."""
    return (is_signed_in(user) and comment is not None and comment.author_id == user.id
            and comment.deleted_at is None)


@welcomes_visitors
def can_read_live(user, room) -> bool:
    """A live room (forum.rooms.Room) resolved for `user`; None means missing or invisible."""
    return room is not None and room.can_read(user)


def can_join_live(user, room) -> bool:
    """Open a live room over the socket: whoever may read it, except suspended people (they read the
    room's history on its page)."""
    return can_read_live(user, room) and not is_suspended(user)


def can_post_live(user, room) -> bool:
    """Signed-in, verified, allowed in the room by its kind (members of a council, open proposals …)."""
    return can_read_live(user, room) and is_verified_member(user) and room.can_post(user)


def can_hide_live(user, room) -> bool:
    """Moderators of the room's council; for forum-wide rooms the managing director and admins."""
    return can_read_live(user, room) and can_moderate(user, room.council)
