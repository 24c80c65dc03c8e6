"""Meetings: who prepares, publishes, runs, sees and posts in them."""
from __future__ import annotations

from .people import (can_view_council, council_role, is_signed_in, is_staff, is_verified_member,
                     welcomes_visitors)


MEETING_MANAGER_ROLES = ("managing_director", "admin")


def can_manage_meetings(user) -> bool:
    """The managing director (and the admin) run the forum's meetings: create any, publish, run live, minutes."""
    return is_signed_in(user) and user.acting_role in MEETING_MANAGER_ROLES


def _moderates(user, council) -> bool:
    return council is not None and is_verified_member(user) and council_role(user, council) == "moderator"


def can_create_meeting(user, council=None) -> bool:
    """Forum meetings (council None): managers only. A council's meeting: managers, or that council's
    moderators as a draft for the managing director to publish."""
    return can_manage_meetings(user) or _moderates(user, council)


def can_edit_meeting(user, meeting) -> bool:
    """Details and agenda: managers always; the council's moderators only while it is a draft."""
    if meeting is None or not is_signed_in(user):
        return False
    if can_manage_meetings(user):
        return True
    return meeting.status == "draft" and _moderates(user, meeting.council)


@welcomes_visitors
def can_view_meeting(user, meeting) -> bool:
    """Drafts only for those who may edit them; otherwise whoever may see the meeting's council."""
    if meeting is None:
        return False
    if meeting.status == "draft":
        return can_edit_meeting(user, meeting)
    return can_view_council(user, meeting.council)


def can_publish_meeting(user, meeting) -> bool:
    return meeting is not None and can_manage_meetings(user)


def can_run_meeting(user, meeting) -> bool:
    """Go live, move the current agenda item, end or cancel, publish the minutes."""
    return meeting is not None and can_manage_meetings(user)


def can_follow_meeting(user, meeting) -> bool:
    return is_signed_in(user) and meeting is not None and meeting.status != "draft" and can_view_meeting(user, meeting)


def can_post_in_meeting(user, meeting) -> bool:
    """The live discussion room: verified members who may see the meeting while it is published or live;
    for a council's meeting only its members, moderators and staff."""
    if not is_verified_member(user) or not can_view_meeting(user, meeting):
        return False
    if meeting.status not in ("published", "live"):
        return False
    if meeting.council is None or is_staff(user):
        return True
    return council_role(user, meeting.council) is not None
