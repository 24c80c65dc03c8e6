"""Moderation services without HTTP: audit log, reports and decisions, suspensions, figures."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from forum.accounts import services as accounts
from forum.councils import membership, services as councils
from forum.database import utcnow
from forum.errors import Conflict, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.moderation import queue as moderation_queue
from forum.moderation import services, stats, suspensions
from forum.audit import audit, entries_query
from forum.audit import AuditEntry
from forum.moderation.models import ModerationDecision, Report
from forum.notifications.models import Notification
from forum.permissions import (can_join_council, can_report, can_suspend, can_view_queue, is_suspended,
                               is_verified_member)


@pytest.fixture(autouse=True)
def _request_context(app):
    """Notices build absolute links for their e-mail copy."""
    with app.test_request_context():
        yield


def established(user):
    """An account older than a day: only such reports count toward hiding (tests/moderation/test_report_threshold.py)."""
    user.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return user


def actions(**filters) -> list[str]:
    return [e.action for e in db.session.scalars(entries_query(**filters))]


# --- audit log ---------------------------------------------------------------------------------

def test_audit_log_rejects_update_and_delete_in_the_database(app, make_user):
    admin = make_user(role="admin")
    audit(admin, "user.suspend", admin, "Test")
    db.session.commit()
    with pytest.raises(DBAPIError):
        db.session.execute(update(AuditEntry).values(reason="geändert"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(delete(AuditEntry))
        db.session.flush()
    db.session.rollback()
    assert [e.reason for e in db.session.scalars(select(AuditEntry))] == ["Test"]


def test_verification_and_council_actions_are_audited(app, make_user):
    md, chair = make_user(role="managing_director"), make_user(role="chair")
    org = make_user(stakeholder="business", verified=False)
    accounts.decide_verification(md, org, approve=True)
    council = councils.found_council(chair, name="Mobilität und Verkehr", join_policy="request")
    councils.update_council(chair, council, mandate="Neuer Auftrag")
    person, other = make_user(), make_user()
    membership.appoint(chair, council, person, "member")
    membership.appoint(chair, council, person, "moderator")
    membership.remove_member(chair, council, person)
    request = membership.request_to_join(other, council, "Bitte")
    membership.decide_request(md, request, accept=False, reason="Der Beirat ist voll.")
    councils.archive_council(chair, council)
    councils.restore_council(chair, council)
    db.session.commit()
    assert actions() == ["council.restore", "council.archive", "council.request_decline", "council.remove",
                         "council.role", "council.appoint", "council.edit", "council.found", "user.verify"]
    role_change = db.session.scalar(entries_query(action="council.role"))
    assert (role_change.actor_id, role_change.target_type, role_change.target_id, role_change.council_id) == \
        (chair.id, "user", person.id, council.id)
    assert role_change.details == {"role": "moderator", "previous": "member"}
    assert db.session.scalar(entries_query(action="council.request_decline")).reason == "Der Beirat ist voll."
    assert actions(actor_id=md.id) == ["council.request_decline", "user.verify"]
    assert actions(target_type="council") == ["council.restore", "council.archive", "council.edit", "council.found"]


def test_audit_filters_by_date_range(app, make_user):
    admin = make_user(role="admin")
    old = audit(admin, "user.suspend", admin, "alt")
    db.session.commit()
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    assert old in db.session.scalars(entries_query(date_from=today, date_to=today)).all()
    assert db.session.scalars(entries_query(date_to=today - timedelta(days=1))).all() == []


# --- reports and decisions ----------------------------------------------------------------------

@pytest.fixture
def scene(make_user, make_council, make_proposal):
    """A council with a moderator, an author's proposal in it, and a second council's moderator."""
    moderator, other_moderator, author = make_user(), make_user(), make_user(name="Ulla Autorin")
    council = make_council(moderators=[moderator], members=[author])
    make_council(moderators=[other_moderator])
    proposal = make_proposal(author=author, council=council, body="Grober Text")
    return moderator, other_moderator, author, council, proposal


def test_report_once_per_person_and_item(app, make_user, scene):
    *_, proposal = scene
    reporter = make_user()
    services.report(reporter, "proposal", proposal.id, "Beleidigend")
    db.session.commit()
    with pytest.raises(Conflict):
        services.report(reporter, "proposal", proposal.id, "Noch einmal")
    with pytest.raises(Invalid):
        services.report(make_user(), "proposal", proposal.id, "   ")
    assert services.open_reports_count("proposal", proposal.id) == 1


def test_own_items_unknown_kinds_and_invisible_items_cannot_be_reported(app, make_user, make_council,
                                                                        make_proposal, scene):
    _, _, author, _, proposal = scene
    with pytest.raises(NotAllowed):
        services.report(author, "proposal", proposal.id, "Ich melde mich selbst")
    with pytest.raises(NotFound):
        services.report(make_user(), "poll", proposal.id, "x")
    secret = make_proposal(council=make_council(visibility="private"))
    with pytest.raises(NotFound):
        services.report(make_user(), "proposal", secret.id, "x")
    draft = make_proposal(status="draft")
    with pytest.raises(NotFound):
        services.report(make_user(), "proposal", draft.id, "x")
    with pytest.raises(NotAllowed):
        services.report(make_user(confirmed=False), "proposal", proposal.id, "x")


def test_threshold_of_reports_from_different_people_hides_pending_review(app, make_user, scene):
    app.config["REPORT_THRESHOLD"] = 2
    *_, proposal = scene
    services.report(established(make_user()), "proposal", proposal.id, "Spam")
    db.session.commit()
    assert proposal.hidden_at is None
    services.report(established(make_user()), "proposal", proposal.id, "Werbung")
    db.session.commit()
    assert proposal.hidden_at is not None and proposal.hidden_by_id is None
    assert "2 Meldungen" in proposal.hidden_reason
    assert [d.action for d in db.session.scalars(select(ModerationDecision))] == ["auto_hide"]
    entry = db.session.scalar(entries_query(action="content.hide"))
    assert entry.actor_id is None and entry.details["automatic"] is True


def test_moderator_hides_with_reason_and_author_is_told(app, make_user, outbox, scene):
    moderator, other_moderator, author, council, proposal = scene
    services.report(make_user(), "proposal", proposal.id, "Beleidigend")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.hide(other_moderator, "proposal", proposal.id, "Fremder Beirat")
    db.session.rollback()
    with pytest.raises(Invalid):
        services.hide(moderator, "proposal", proposal.id, "")
    services.hide(moderator, "proposal", proposal.id, "Verstößt gegen Regel 3")
    db.session.commit()
    assert proposal.hidden_reason == "Verstößt gegen Regel 3" and proposal.hidden_by_id == moderator.id
    assert db.session.scalar(select(Report.status)) == "upheld"
    notice = db.session.scalar(select(Notification).where(Notification.user_id == author.id))
    assert "Verstößt gegen Regel 3" in notice.body_in("de") and notice.url == f"/proposals/{proposal.id}"
    assert any("Verst=C3=B6=C3=9Ft gegen Regel 3" in m or "Verstößt gegen Regel 3" in m for m in outbox())
    entry = db.session.scalar(entries_query(action="content.hide"))
    assert (entry.actor_id, entry.target_id, entry.council_id) == (moderator.id, proposal.id, council.id)
    with pytest.raises(Conflict):
        services.hide(moderator, "proposal", proposal.id, "Nochmal")
    db.session.rollback()
    services.restore(moderator, "proposal", proposal.id, "Nach Rücksprache in Ordnung")
    db.session.commit()
    assert proposal.hidden_at is None
    with pytest.raises(Conflict):
        services.restore(moderator, "proposal", proposal.id, "Nicht ausgeblendet")


def test_dismiss_closes_reports_and_shows_an_automatically_hidden_item_again(app, make_user, scene):
    app.config["REPORT_THRESHOLD"] = 1
    moderator, *_, proposal = scene
    services.report(established(make_user()), "proposal", proposal.id, "Spam")
    db.session.commit()
    assert proposal.hidden_at is not None
    services.dismiss(moderator, "proposal", proposal.id, "Kein Verstoß")
    db.session.commit()
    assert proposal.hidden_at is None
    assert db.session.scalar(select(Report.status)) == "dismissed"
    with pytest.raises(Conflict):
        services.dismiss(moderator, "proposal", proposal.id, "Keine Meldungen mehr")


def test_queue_shows_moderators_their_councils_only(app, make_user, make_council, make_proposal, scene):
    moderator, other_moderator, _, council, proposal = scene
    forum_wide = make_proposal()
    for item in (proposal, forum_wide):
        services.report(make_user(), "proposal", item.id, "Bitte prüfen")
    db.session.commit()
    assert [q.item.id for q in moderation_queue.queue(moderator)] == [proposal.id]
    assert moderation_queue.queue(other_moderator) == []
    md = make_user(role="managing_director")
    assert [q.item.id for q in moderation_queue.queue(md)] == [proposal.id, forum_wide.id]
    member = make_user()
    assert not can_view_queue(member)
    with pytest.raises(NotAllowed):
        moderation_queue.queue(member)
    assert moderation_queue.queue(md)[0].reasons == ["Bitte prüfen"]


# --- suspensions --------------------------------------------------------------------------------

def test_suspended_person_may_read_but_not_post_vote_report_or_join(app, make_user, make_council):
    md, person = make_user(role="managing_director"), make_user()
    council = make_council()
    assert is_verified_member(person) and can_join_council(person, council)
    suspensions.suspend(md, person, until=utcnow() + timedelta(days=7), reason="Wiederholte Beleidigungen")
    db.session.commit()
    assert is_suspended(person)
    assert not is_verified_member(person) and not can_join_council(person, council) and not can_report(person)
    assert suspensions.active_suspension(person).reason == "Wiederholte Beleidigungen"
    assert actions() == ["user.suspend"]
    suspensions.lift(md, person, "Einsicht gezeigt")
    db.session.commit()
    assert is_verified_member(person) and not is_suspended(person)
    with pytest.raises(Conflict):
        suspensions.lift(md, person)


def test_suspension_for_good_and_expiry(app, make_user):
    admin, person = make_user(role="admin"), make_user()
    suspensions.suspend(admin, person, until=None, reason="Dauerhafte Störung")
    db.session.commit()
    assert is_suspended(person) and suspensions.active_suspension(person).is_permanent
    person.suspended_until = utcnow() - timedelta(minutes=1)  # a period that has run out
    assert not is_suspended(person) and is_verified_member(person)


def test_who_may_suspend(app, make_user):
    md, admin, chair, member = (make_user(role="managing_director"), make_user(role="admin"),
                                make_user(role="chair"), make_user())
    assert can_suspend(md, member) and can_suspend(admin, md) and can_suspend(admin, make_user(role="admin"))
    assert not can_suspend(chair, member) and not can_suspend(member, member)
    assert not can_suspend(md, md) and not can_suspend(md, admin)
    with pytest.raises(NotAllowed):
        suspensions.suspend(chair, member, until=None, reason="x")
    with pytest.raises(Invalid):
        suspensions.suspend(md, member, until=utcnow() - timedelta(days=1), reason="x")


# --- transparency -------------------------------------------------------------------------------

def test_monthly_figures_count_without_names(app, make_user, scene):
    moderator, *_, proposal = scene
    md = make_user(role="managing_director")
    services.report(make_user(), "proposal", proposal.id, "Spam")
    services.hide(moderator, "proposal", proposal.id, "Spam")
    services.restore(moderator, "proposal", proposal.id, "Doch kein Spam")
    suspensions.suspend(md, make_user(), until=None, reason="x")
    db.session.commit()
    [month] = stats.monthly_figures()
    now = utcnow()
    assert month == {"year": now.year, "month": now.month, "reports": 1, "auto_hide": 0, "hide": 1, "restore": 1,
                     "dismiss": 0, "suspensions": 1}
