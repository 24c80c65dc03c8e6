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


def council_roles(user) -> dict[int, str]:
    """{council id: 'member' | 'moderator'} for every council `user` belongs to (one query, for lists)."""
    if not is_signed_in(user):
        return {}
    from .councils.models import Membership

    return dict(db.session.execute(
        select(Membership.council_id, Membership.role).where(Membership.user_id == user.id)
    ).all())


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
    from .councils.models import JoinRequest

    pending = db.session.scalar(
        select(JoinRequest.id).where(JoinRequest.council_id == council.id, JoinRequest.user_id == user.id,
                                     JoinRequest.status == "pending")
    )
    return pending is None


def can_leave_council(user, council) -> bool:
    """Members and moderators leave whenever they want, also an archived council."""
    return council_role(user, council) is not None


def can_view_proposal(user, proposal) -> bool:
    """Drafts only for their author; everything else for whoever may see its council."""
    if proposal is None:
        return False
    if proposal.status == "draft":
        return is_signed_in(user) and proposal.author_id == user.id
    return can_view_council(user, proposal.council)


# --- Meetings -------------------------------------------------------------------------------------

MEETING_MANAGER_ROLES = ("managing_director", "admin")


def can_manage_meetings(user) -> bool:
    """The managing director (and the admin) run the forum's meetings: create any, publish, run live, minutes."""
    return is_signed_in(user) and user.role in MEETING_MANAGER_ROLES


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
def can_read_live(user, room) -> bool:
    """A live room (forum.live.rooms.Room) resolved for `user`; None means missing or invisible."""
    return room is not None and room.can_read(user)


def can_post_live(user, room) -> bool:
    """Signed-in, verified, allowed in the room by its kind (members of a council, open proposals …)."""
    return can_read_live(user, room) and is_verified_member(user) and room.can_post(user)


def can_hide_live(user, room) -> bool:
    """Moderators of the room's council; for forum-wide rooms the managing director and admins."""
    return can_read_live(user, room) and can_moderate(user, room.council)


# --- controlling: projects, criteria, scores, dashboard, cooperation requests -------------------
# Managing the portfolio, the criteria catalogue and the evaluators is the office's job (chair and
# managing director); admins run the platform and see the dashboard and the request queue, but do
# not decide about projects. Evaluators are appointed (Evaluator table) or are, implicitly,
# moderators of any council and members of the Smart-City-Board.

def is_controller(user) -> bool:
    """Chair or managing director: manage projects, criteria and evaluators."""
    return is_signed_in(user) and user.role in ("chair", "managing_director")


def is_board_member(user) -> bool:
    """A member (or moderator) of the internal Smart-City-Board council."""
    if not is_signed_in(user):
        return False
    from .controlling.models import BOARD_SLUG
    from .councils.models import Council, Membership

    return db.session.scalar(
        select(Membership.id).join(Council, Council.id == Membership.council_id)
        .where(Council.slug == BOARD_SLUG, Membership.user_id == user.id).limit(1)
    ) is not None


def can_view_internal_projects(user) -> bool:
    """Staff and the Smart-City-Board see internal projects."""
    return is_staff(user) or is_board_member(user)


def can_view_project(user, project) -> bool:
    if project is None:
        return False
    return project.is_public or can_view_internal_projects(user)


def can_manage_projects(user) -> bool:
    return is_controller(user)


def can_maintain_criteria(user) -> bool:
    return is_controller(user)


def can_appoint_evaluators(user) -> bool:
    return is_controller(user)


def is_evaluator(user) -> bool:
    """Appointed evaluator, moderator of any council, or Smart-City-Board member."""
    if not is_signed_in(user):
        return False
    from .controlling.scoring_models import Evaluator
    from .councils.models import Membership

    if db.session.scalar(select(Evaluator.id).where(Evaluator.user_id == user.id)) is not None:
        return True
    if db.session.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                     Membership.role == "moderator").limit(1)) is not None:
        return True
    return is_board_member(user)


def can_score(user, subject) -> bool:
    """An evaluator may score a project or proposal they may see (not a draft or withdrawn one)."""
    from .controlling.models import Project

    if subject is None or not is_evaluator(user):
        return False
    if isinstance(subject, Project):
        return can_view_project(user, subject)
    return subject.status not in ("draft", "withdrawn") and can_view_proposal(user, subject)


def can_view_scores(user) -> bool:
    """Justifications, spreads and the ranking: staff and evaluators."""
    return is_staff(user) or is_evaluator(user)


def can_view_dashboard(user) -> bool:
    return is_staff(user)


def can_request_cooperation(user) -> bool:
    """Anyone signed in with a confirmed e-mail address (the reply goes there)."""
    return is_signed_in(user) and user.email_confirmed


def can_handle_cooperation_requests(user) -> bool:
    return is_staff(user)


def can_view_cooperation_request(user, request) -> bool:
    """Only the requester (at /cooperation/<id>); staff use the queue."""
    return request is not None and is_signed_in(user) and request.requester_id == user.id


def template_helpers() -> dict:
    """Expose the vocabulary to templates as `can.<predicate>(...)`."""
    import sys

    return {"can": sys.modules[__name__]}
