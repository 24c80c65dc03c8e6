"""The one permission vocabulary, used by routes, the API, templates and socket handlers.

Every predicate takes the acting user (possibly anonymous) and fresh model objects, and
answers True or False. Checks never trust state cached in a session or a socket.
"""
from __future__ import annotations

from sqlalchemy import select

from .extensions import db


def is_signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    """Managing director, chair or admin."""
    return is_signed_in(user) and user.is_staff


def is_verified_member(user) -> bool:
    """A signed-in person whose e-mail is confirmed and, for organisations, verified."""
    return is_signed_in(user) and user.is_verified


def can_verify_organisations(user) -> bool:
    return is_signed_in(user) and user.role in ("managing_director", "admin")


def can_found_council(user) -> bool:
    return is_staff(user)


def council_role(user, council) -> str | None:
    """'member', 'moderator' or None, read from the database now."""
    if not is_signed_in(user) or council is None:
        return None
    from .councils.models import Membership

    return db.session.scalar(
        select(Membership.role).where(Membership.council_id == council.id, Membership.user_id == user.id)
    )


def can_view_council(user, council) -> bool:
    if council is None:
        return True
    if not council.is_private or is_staff(user):
        return True
    return council_role(user, council) is not None


def can_moderate(user, council) -> bool:
    """Moderator of this council, or managing director / admin. Moderating A gives nothing in B."""
    if not is_signed_in(user):
        return False
    if user.role in ("managing_director", "admin"):
        return True
    return council is not None and council_role(user, council) == "moderator"


def can_view_proposal(user, proposal) -> bool:
    """Drafts only for their author; everything else for whoever may see its council."""
    if proposal is None:
        return False
    if proposal.status == "draft":
        return is_signed_in(user) and proposal.author_id == user.id
    return can_view_council(user, proposal.council)


# --- proposals -----------------------------------------------------------------------------
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
    return is_proposal_author(user, proposal) and proposal.status in ("draft", "published")


def can_withdraw_proposal(user, proposal) -> bool:
    """The author, before the proposal is decided (draft, published or voting)."""
    return is_proposal_author(user, proposal) and proposal.status in ("draft", "published", "voting")


def voting_open(proposal) -> bool:
    """Status `voting` and the optional end of voting not yet passed."""
    from .database import utcnow

    if proposal is None or proposal.status != "voting":
        return False
    return proposal.voting_ends_at is None or utcnow() < proposal.voting_ends_at


def can_vote(user, proposal) -> bool:
    """Verified members who may see the proposal, while voting is open."""
    return is_verified_member(user) and voting_open(proposal) and can_view_proposal(user, proposal)


def can_comment(user, proposal) -> bool:
    """Verified members who may see the proposal, unless it is a draft or withdrawn."""
    return (is_verified_member(user) and proposal is not None and proposal.status in COMMENTABLE_STATUSES
            and can_view_proposal(user, proposal))


def can_change_status(user, proposal) -> bool:
    """Moderators of the proposal's council; for forum-wide proposals the managing director (and admin).
    Drafts belong to their author alone."""
    return proposal is not None and proposal.status != "draft" and can_moderate(user, proposal.council)


def can_respond(user, proposal) -> bool:
    """Who may give the official response: the same people who move the proposal along."""
    return can_change_status(user, proposal)


def can_follow(user, proposal) -> bool:
    return is_signed_in(user) and can_view_proposal(user, proposal)


def can_edit_comment(user, comment) -> bool:
    """The comment's author, for COMMENT_EDIT_MINUTES after writing it, while it is not deleted."""
    from datetime import timedelta

    from .database import utcnow

    if not is_signed_in(user) or comment is None or comment.author_id != user.id or comment.deleted_at is not None:
        return False
    return utcnow() - comment.created_at <= timedelta(minutes=COMMENT_EDIT_MINUTES)


def can_delete_comment(user, comment) -> bool:
    """The comment's author (moderation of others' comments belongs to the moderation feature)."""
    return (is_signed_in(user) and comment is not None and comment.author_id == user.id
            and comment.deleted_at is None)


def template_helpers() -> dict:
    """Expose the vocabulary to templates as `can.<predicate>(...)`."""
    import sys

    return {"can": sys.modules[__name__]}
