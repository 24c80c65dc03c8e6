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


def can_read_live(user, room) -> bool:
    """A live room (forum.live.rooms.Room) resolved for `user`; None means missing or invisible."""
    return room is not None and room.can_read(user)


def can_post_live(user, room) -> bool:
    """Signed-in, verified, allowed in the room by its kind (members of a council, open proposals …)."""
    return can_read_live(user, room) and is_verified_member(user) and room.can_post(user)


def can_hide_live(user, room) -> bool:
    """Moderators of the room's council; for forum-wide rooms the managing director and admins."""
    return can_read_live(user, room) and can_moderate(user, room.council)


def template_helpers() -> dict:
    """Expose the vocabulary to templates as `can.<predicate>(...)`."""
    import sys

    return {"can": sys.modules[__name__]}
