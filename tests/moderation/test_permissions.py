"""The moderation permission table asked of the predicates directly: every rule × every actor of the
shared cast, no HTTP. tests/moderation/test_routes.py and tests/api/test_moderation.py check the same
rules over HTTP for one actor of each distinct row; this proves them for everyone."""
import pytest
from flask_login import AnonymousUserMixin

from forum import permissions as can
from tests.conftest import ACTORS
from tests.moderation.test_routes import AUDIT_READERS, COUNCIL_MODERATORS, QUEUE_READERS

SIGNED_IN = set(ACTORS) - {"anonymous"}
TABLE = {
    "see the queue": (lambda w, u: can.can_view_queue(u), QUEUE_READERS),
    "hide, restore, dismiss in the council": (lambda w, u: can.can_moderate_content(u, w.council), COUNCIL_MODERATORS),
    "see a hidden item's text": (lambda w, u: can.can_see_hidden(u, w.proposal, w.council), COUNCIL_MODERATORS),
    "read the audit log": (lambda w, u: can.can_read_audit(u), AUDIT_READERS),
    "suspend people": (lambda w, u: can.can_suspend(u, w.someone), AUDIT_READERS),
    "report someone's item": (lambda w, u: can.can_report(u, w.proposal), SIGNED_IN),
    "edit the privacy notice and imprint": (lambda w, u: can.can_edit_site_pages(u), {"admin"}),
}


@pytest.fixture
def world(make_actor, make_user, make_council, make_proposal):
    class World:
        pass

    w = World()
    w.council = make_council()
    w.someone = make_user()
    w.proposal = make_proposal(author=w.someone, council=w.council)
    w.actors = {kind: make_actor(kind, w.council) or AnonymousUserMixin() for kind in ACTORS}
    return w


@pytest.mark.parametrize("rule", list(TABLE))
def test_permission_table(rule, world):
    predicate, allowed = TABLE[rule]
    answers = {kind: predicate(world, user) for kind, user in world.actors.items()}
    wrong = {kind: answer for kind, answer in answers.items() if answer != (kind in allowed)}
    assert wrong == {}, f"{rule}: predicate answers that contradict the table: {wrong}"


def test_nobody_suspends_themselves_and_only_an_admin_an_admin(world, make_user):
    director, admin = world.actors["managing_director"], world.actors["admin"]
    assert not can.can_suspend(director, director) and not can.can_suspend(director, admin)
    assert can.can_suspend(admin, director) and not can.can_report(world.someone, world.proposal)


def test_a_suspended_moderator_moderates_nothing_and_asks_for_no_cooperation(world):
    """Suspended: may read, but neither moderate their council nor write to the office, until the
    suspension ends."""
    from datetime import timedelta

    from forum.database import utcnow
    from forum.extensions import db

    moderator = world.actors["moderator"]
    assert can.can_moderate_content(moderator, world.council) and can.can_request_cooperation(moderator)
    moderator.suspended_until = utcnow() + timedelta(days=3)
    db.session.flush()
    assert not can.can_moderate_content(moderator, world.council)
    assert not can.can_see_hidden(moderator, world.proposal, world.council)
    assert not can.can_request_cooperation(moderator)
    assert can.can_view_council(moderator, world.council)


@pytest.mark.parametrize("kind", ["managing_director", "chair", "admin"])
def test_suspended_staff_act_as_plain_members_until_the_suspension_ends(world, kind, make_council):
    """A suspension takes the office's powers too: a suspended managing director, chair or admin
    neither moderates, suspends, founds, manages nor sees every private council while it lasts."""
    from datetime import timedelta

    from forum.database import utcnow
    from forum.extensions import db

    staff, private = world.actors[kind], make_council(visibility="private")
    assert can.is_staff(staff) and can.can_view_council(staff, private) and can.can_manage_council(staff, private)
    staff.suspended_until = utcnow() + timedelta(days=3)
    db.session.flush()
    assert staff.role == kind and staff.acting_role == "member"
    assert not can.is_staff(staff) and not can.can_view_council(staff, private)
    assert not (can.can_found_council(staff) or can.can_manage_council(staff, world.council)
                or can.can_appoint(staff, world.council, "moderator"))
    assert not (can.can_moderate_content(staff, world.council) or can.can_view_queue(staff)
                or can.can_see_hidden(staff, world.proposal, world.council))
    assert not (can.can_suspend(staff, world.someone) or can.can_read_audit(staff)
                or can.can_verify_organisations(staff) or can.can_edit_site_pages(staff))
    assert not (can.can_manage_meetings(staff) or can.is_controller(staff))
    staff.suspended_until = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert can.is_staff(staff) and can.can_view_council(staff, private)
