"""Moderation, audit log, data protection."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .viewer import standing
from .people import can_moderate, is_signed_in, is_suspended


def can_report(user, obj=None) -> bool:
    """Report an item: signed in with a confirmed e-mail, not suspended, not one's own item.
    (Whether the item is visible to `user` is checked by the caller loading it.)"""
    if not is_signed_in(user) or not user.email_confirmed or is_suspended(user):
        return False
    return obj is None or getattr(obj, "author_id", None) != user.id


def can_moderate_content(user, council) -> bool:
    """Hide, restore, dismiss reports of items in `council` (None: forum-wide items)."""
    return can_moderate(user, council)


def can_see_hidden(user, item, council) -> bool:
    """The text of a hidden item: moderators of its council (and its author) still see it, marked."""
    if not is_signed_in(user):
        return False
    return can_moderate(user, council) or getattr(item, "author_id", None) == user.id


def can_view_queue(user) -> bool:
    """The moderation queue: moderators (their councils' items), managing director and admin (all)."""
    if not is_signed_in(user):
        return False
    if user.acting_role in ("managing_director", "admin"):
        return True
    known = standing(user)
    if known is not None:
        return known.moderates_any
    from ..councils.models import Membership

    return db.session.scalar(
        select(Membership.id).where(Membership.user_id == user.id, Membership.role == "moderator").limit(1)
    ) is not None


def can_suspend(user, person=None) -> bool:
    """Managing director and admin suspend people; nobody themselves, and only an admin an admin."""
    if not is_signed_in(user) or user.acting_role not in ("managing_director", "admin"):
        return False
    if person is None:
        return True
    return person.id != user.id and (person.role != "admin" or user.acting_role == "admin")


def can_read_audit(user) -> bool:
    return is_signed_in(user) and user.acting_role in ("managing_director", "admin")


def can_edit_site_pages(user) -> bool:
    """The privacy notice and the imprint: admins."""
    return is_signed_in(user) and user.acting_role == "admin"
