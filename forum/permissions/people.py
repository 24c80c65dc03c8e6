"""People and councils: who is signed in, staff, verified; who sees and runs a council."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .viewer import standing


def welcomes_visitors(predicate):
    """Mark a predicate that may say yes to a visitor who is not signed in. A route guarded by any
    other predicate (forum/handlers.py: allow) sends visitors to the login page before it loads
    anything, the way a signed-out managing director following a link to a draft expects."""
    predicate.welcomes_visitors = True
    return predicate


def is_signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    """Managing director, chair or admin, not suspended (`User.acting_role`)."""
    return is_signed_in(user) and user.is_staff


def is_suspended(user) -> bool:
    """Suspended now: may read, but not post, vote, report or join (read from the user row,
    which each request and socket event loads afresh)."""
    if not is_signed_in(user) or user.suspended_until is None:
        return False
    from ..database import utcnow

    return user.suspended_until > utcnow()


def is_verified_member(user) -> bool:
    """A signed-in person whose e-mail is confirmed and, for organisations, verified, and who
    is not suspended. Every posting, voting and joining predicate builds on this one."""
    return is_signed_in(user) and user.is_verified and not is_suspended(user)


def can_verify_organisations(user, organisation=None) -> bool:
    """Managing director and admins verify (or reject) organisations' accounts."""
    return is_signed_in(user) and user.acting_role in ("managing_director", "admin")


def can_found_council(user) -> bool:
    return is_staff(user)


def council_role(user, council) -> str | None:
    """'member', 'moderator' or None, read from the database now."""
    if not is_signed_in(user) or council is None:
        return None
    known = standing(user)
    if known is not None:
        return known.roles.get(council.id)
    from ..councils.models import Membership

    return db.session.scalar(
        select(Membership.role).where(Membership.council_id == council.id, Membership.user_id == user.id)
    )


def council_roles(user) -> dict[int, str]:
    """{council id: 'member' | 'moderator'} for every council `user` belongs to (one query, for lists)."""
    if not is_signed_in(user):
        return {}
    known = standing(user)
    if known is not None:
        return dict(known.roles)
    from ..councils.models import Membership

    return dict(db.session.execute(
        select(Membership.council_id, Membership.role).where(Membership.user_id == user.id)
    ).all())


@welcomes_visitors
def can_view_council(user, council) -> bool:
    if council is None:
        return True
    if not council.is_private or is_staff(user):
        return True
    return council_role(user, council) is not None


def can_moderate(user, council) -> bool:
    """Moderator of this council, or managing director / admin. Moderating A gives nothing in B; a
    suspended moderator moderates nothing until the suspension ends."""
    if not is_signed_in(user):
        return False
    if user.acting_role in ("managing_director", "admin"):
        return True
    return council is not None and not is_suspended(user) and council_role(user, council) == "moderator"


def can_manage_council(user, council) -> bool:
    """Chair, managing director or admin: edit, archive, appoint moderators and members."""
    return is_staff(user) and council is not None


def can_edit_council(user, council) -> bool:
    """Staff, while the council is not archived (archived councils are read-only)."""
    return can_manage_council(user, council) and not council.is_archived


def can_archive_council(user, council) -> bool:
    """Staff archive a council and restore it."""
    return can_manage_council(user, council)


def can_manage_members(user, council) -> bool:
    """Sees the member list and the request queue: moderators of this council and staff."""
    return can_manage_council(user, council) or can_moderate(user, council)


def can_appoint(user, council, role: str = "member") -> bool:
    """Add a person or change a role. Staff appoint any role; a moderator of this council
    (and the managing director / admin, who moderate everywhere) adds plain members only."""
    if council is None or council.is_archived:
        return False
    if can_manage_council(user, council):
        return True
    return role == "member" and can_moderate(user, council)


def can_remove_member(user, council, member_role: str | None) -> bool:
    """Remove someone else: staff anyone; a moderator of this council only plain members."""
    return member_role is not None and can_appoint(user, council, member_role)


def can_decide_requests(user, council) -> bool:
    """Accept or decline join requests: moderators of this council and staff (the chair may
    appoint anyone directly, so accepting a request is no extra power). Not when archived."""
    return council is not None and not council.is_archived and can_manage_members(user, council)


def _may_become_member(user, council) -> bool:
    return (council is not None and not council.is_archived and is_verified_member(user)
            and can_view_council(user, council) and council_role(user, council) is None)


def can_join_council(user, council) -> bool:
    """Join at once: verified members, open councils, not archived, not yet a member."""
    return _may_become_member(user, council) and council.join_policy == "open"


def can_request_to_join(user, council) -> bool:
    """Ask to join: verified members, councils joined on request, no request already pending."""
    if not (_may_become_member(user, council) and council.join_policy == "request"):
        return False
    from ..councils.models import JoinRequest

    pending = db.session.scalar(
        select(JoinRequest.id).where(JoinRequest.council_id == council.id, JoinRequest.user_id == user.id,
                                     JoinRequest.status == "pending")
    )
    return pending is None


def can_leave_council(user, council) -> bool:
    """Members and moderators leave whenever they want, also an archived council."""
    return council_role(user, council) is not None
