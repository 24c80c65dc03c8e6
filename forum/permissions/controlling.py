"""Controlling: projects, criteria, scores, dashboard, cooperation requests."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .viewer import standing
from .people import is_signed_in, is_staff, is_suspended, welcomes_visitors
from .proposals import can_view_proposal


# Managing the portfolio, the criteria catalogue and the evaluators is the office's job (chair and
# managing director); admins run the platform and see the dashboard and the request queue, but do
# not decide about projects. Evaluators are appointed (Evaluator table) or are, implicitly,
# moderators of any council and members of the Smart-City-Board.

def is_controller(user) -> bool:
    """Chair or managing director: manage projects, criteria and evaluators."""
    return is_signed_in(user) and user.acting_role in ("chair", "managing_director")


def is_board_member(user) -> bool:
    """A member (or moderator) of the internal Smart-City-Board council."""
    if not is_signed_in(user):
        return False
    from ..controlling.models import BOARD_SLUG

    known = standing(user)
    if known is not None:
        return BOARD_SLUG in known.slugs
    from ..councils.models import Council, Membership

    return db.session.scalar(
        select(Membership.id).join(Council, Council.id == Membership.council_id)
        .where(Council.slug == BOARD_SLUG, Membership.user_id == user.id).limit(1)
    ) is not None


def can_view_internal_projects(user) -> bool:
    """Staff and the Smart-City-Board see internal projects."""
    return is_staff(user) or is_board_member(user)


@welcomes_visitors
def can_view_project(user, project) -> bool:
    """Public projects for everyone; internal ones for staff and the Smart-City-Board, except that a
    project from a private council (linked to it or made from its proposal; a public one made from its
    proposal too) stays hidden from those who may not see that council (`visible_project_filter`)."""
    if project is None:
        return False
    if is_staff(user):
        return True
    if project.is_public and project.origin_proposal_id is None:
        return True
    if not (project.is_public or can_view_internal_projects(user)):
        return False
    from ..controlling.models import Project
    from ..controlling.projects import visible_project_filter

    return db.session.scalar(select(Project.id).where(Project.id == project.id, visible_project_filter(user))) is not None


def can_manage_projects(user, target=None) -> bool:
    """Create projects (from scratch or from a proposal) and change any of them; `target`, the project
    or proposal a route is about, changes nothing."""
    return is_controller(user)


def can_maintain_criteria(user) -> bool:
    return is_controller(user)


def can_appoint_evaluators(user) -> bool:
    return is_controller(user)


def is_evaluator(user) -> bool:
    """Appointed evaluator, moderator of any council, or Smart-City-Board member."""
    if not is_signed_in(user):
        return False
    known = standing(user)
    if known is not None and "evaluator" in known.extra:
        return bool(known.extra["evaluator"]) or known.moderates_any or is_board_member(user)
    from ..controlling.scoring_models import Evaluator
    from ..councils.models import Membership

    if db.session.scalar(select(Evaluator.id).where(Evaluator.user_id == user.id)) is not None:
        return True
    if db.session.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                     Membership.role == "moderator").limit(1)) is not None:
        return True
    return is_board_member(user)


def can_score(user, subject) -> bool:
    """An evaluator may score a project or proposal they may see (not a draft or withdrawn one)."""
    from ..controlling.models import Project

    if subject is None or not is_evaluator(user):
        return False
    if isinstance(subject, Project):
        return can_view_project(user, subject)
    return subject.status not in ("draft", "withdrawn") and can_view_proposal(user, subject)


def can_view_scores(user, subject=None) -> bool:
    """Justifications, spreads and the ranking, of every project or proposal `subject`: staff and evaluators."""
    return is_staff(user) or is_evaluator(user)


def can_view_dashboard(user) -> bool:
    return is_staff(user)


def can_request_cooperation(user) -> bool:
    """Anyone signed in with a confirmed e-mail address (the reply goes there), unless suspended."""
    return is_signed_in(user) and user.email_confirmed and not is_suspended(user)


def can_handle_cooperation_requests(user, request=None) -> bool:
    """The office's queue: staff handle every request (`request`, when given, changes nothing)."""
    return is_staff(user)


def can_view_cooperation_request(user, request) -> bool:
    """Only the requester (at /cooperation/<id>); staff use the queue."""
    return request is not None and is_signed_in(user) and request.requester_id == user.id
