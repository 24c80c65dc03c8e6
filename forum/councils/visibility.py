"""The one place that decides which councils a person may see.

Every listing of councils, or of things that belong to a council (proposals, meetings,
live rooms, calendars, exports), filters through `visible_council_filter` so that a new
listing cannot forget private councils.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select, true

from ..accounts.models import STAFF_ROLES, User
from ..database import utcnow
from ..extensions import db
from .models import Council, Membership


def _user_id(user) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.id


def visible_council_filter(user) -> ColumnElement[bool]:
    """A WHERE clause over `Council` true for the councils `user` may see."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        return true()
    uid = _user_id(user)
    public = Council.visibility == "public"
    if uid is None:
        return public
    member_of = select(Membership.council_id).where(Membership.user_id == uid)
    return or_(public, Council.id.in_(member_of))


def sees_council(council) -> ColumnElement[bool]:
    """A WHERE clause over `User` true for the people who may see `council` now: everyone for a public
    council (or None, the forum itself); its members and the staff who are not suspended for a private
    one. Notices about a council's things go only to them (forum/notifications/services.py)."""
    if council is None or not council.is_private:
        return true()
    members = select(Membership.user_id).where(Membership.council_id == council.id)
    acting_staff = and_(User.role.in_(STAFF_ROLES),
                        or_(User.suspended_until.is_(None), User.suspended_until <= utcnow()))
    return or_(User.id.in_(members), acting_staff)


def visible_council_ids(user):
    """A scalar subquery of the ids of councils `user` may see (for foreign-key columns)."""
    return select(Council.id).where(visible_council_filter(user)).scalar_subquery()


def council_column_visible(column, user) -> ColumnElement[bool]:
    """For rows with a nullable council foreign key: forum-wide rows (NULL) are public."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        return true()
    return or_(column.is_(None), column.in_(visible_council_ids(user)))


def visible_councils(user, *, archived: bool | None = None):
    """A select of the councils `user` may see, ordered by name: the query every council list uses.
    `archived` True/False narrows to archived or active councils; None keeps both."""
    stmt = select(Council).where(visible_council_filter(user))
    if archived is True:
        stmt = stmt.where(Council.archived_at.is_not(None))
    elif archived is False:
        stmt = stmt.where(Council.archived_at.is_(None))
    return stmt.order_by(Council.name, Council.id)


def get_visible_council_or_404(slug: str, user) -> Council:
    """The council with `slug` if `user` may see it; a 404 otherwise (never a 403: no leaks)."""
    council = db.session.scalar(select(Council).where(Council.slug == slug, visible_council_filter(user)))
    if council is None:
        from flask import abort

        abort(404)
    return council
