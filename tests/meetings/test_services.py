"""Meeting services without HTTP: life cycle, agenda, revisions, notifications, visibility, live room."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from forum.database import utcnow
from forum.errors import Conflict, Invalid, NotAllowed
from forum.extensions import db
from forum.meetings import agenda, queries, running, services
from forum.meetings.live import resolve_meeting_room
from forum.meetings.models import Meeting
from forum.meetings.times import local_to_utc, parse_api_datetime
from forum.notifications.models import Notification


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def notices(user):
    return [n.subject_in("de") for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def draft(actor, council=None, items=("Begrüßung", "Bericht")):
    starts = utcnow() + timedelta(days=3)
    meeting = services.create_meeting(actor, title="Sitzung", starts_at=starts, ends_at=starts + timedelta(hours=2),
                                      location="Rathaus", council=council)
    for title in items:
        agenda.add_item(meeting, actor, title=title, duration_minutes=10)
    return meeting


def test_forum_meetings_only_by_managers(ctx, make_user, make_council):
    director, moderator = make_user(role="managing_director"), make_user()
    make_council(moderators=[moderator])
    assert draft(director).status == "draft"
    with pytest.raises(NotAllowed):
        draft(moderator)


def test_moderator_drafts_for_own_council_only(ctx, make_user, make_council):
    moderator = make_user()
    own, other = make_council(moderators=[moderator]), make_council()
    meeting = draft(moderator, own)
    assert meeting.council_id == own.id and meeting.kind == "council"
    with pytest.raises(NotAllowed):
        draft(moderator, other)
    with pytest.raises(NotAllowed):  # publishing stays with the managing director
        services.publish_meeting(meeting, moderator)


def test_details_are_checked(ctx, make_user):
    director = make_user(role="managing_director")
    starts = utcnow()
    with pytest.raises(Invalid, match="Ende"):
        services.create_meeting(director, title="X", starts_at=starts, ends_at=starts, location="Rathaus")
    with pytest.raises(Invalid, match="Ort"):
        services.create_meeting(director, title="X", starts_at=starts, ends_at=starts + timedelta(hours=1))
    with pytest.raises(Invalid, match="Online-Link"):
        services.create_meeting(director, title="X", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                online_url="javascript:alert(1)")


def test_publish_notifies_council_members_after_commit(ctx, make_user, make_council, outbox):
    director, member, moderator, outsider = (make_user(role="managing_director"), make_user(), make_user(),
                                             make_user())
    council = make_council(members=[member], moderators=[moderator])
    meeting = draft(director, council)
    assert services.publish_meeting(meeting, director) == 2
    assert outbox() == []
    db.session.commit()
    assert meeting.status == "published" and meeting.published_at is not None
    assert notices(member) == ["Neue Sitzung: Sitzung"] and notices(moderator) == ["Neue Sitzung: Sitzung"]
    assert notices(outsider) == [] and notices(director) == []
    assert sum(f"/meetings/{meeting.id}" in mail for mail in outbox()) == 2


def test_forum_meeting_reaches_public_council_members_and_staff(ctx, make_user, make_council):
    director, chair, public_member, private_member, loner = (
        make_user(role="managing_director"), make_user(role="chair"), make_user(), make_user(), make_user())
    make_council(members=[public_member])
    make_council(visibility="private", members=[private_member])
    services.publish_meeting(draft(director), director)
    assert notices(public_member) and notices(chair)
    assert not notices(private_member) and not notices(loner)


def test_publish_needs_a_draft_with_an_agenda(ctx, make_user):
    director = make_user(role="managing_director")
    with pytest.raises(Invalid, match="leer"):
        services.publish_meeting(draft(director, items=()), director)
    meeting = draft(director)
    services.publish_meeting(meeting, director)
    with pytest.raises(Conflict):
        services.publish_meeting(meeting, director)


def test_changes_in_draft_leave_no_revisions(ctx, make_user):
    director = make_user(role="managing_director")
    meeting = draft(director)
    agenda.add_item(meeting, director, title="Verschiedenes")
    services.update_meeting(meeting, director, title="Neu")
    assert meeting.revisions == [] and meeting.sequence == 0


def test_changes_after_publishing_are_revisions_and_tell_followers(ctx, make_user):
    director, follower, bystander = make_user(role="managing_director"), make_user(), make_user()
    meeting = draft(director)
    services.publish_meeting(meeting, director)
    services.follow(meeting, follower)
    agenda.add_item(meeting, director, title="WLAN in der Innenstadt")
    old_start = meeting.starts_at
    services.update_meeting(meeting, director, starts_at=old_start + timedelta(hours=1),
                            ends_at=meeting.ends_at + timedelta(hours=1))
    db.session.commit()
    summaries = [r.summary for r in meeting.revisions]
    assert summaries[1] == "TOP 3 hinzugefügt: WLAN in der Innenstadt"
    assert summaries[0].startswith("Beginn geändert von") and "Ende geändert" in summaries[0]
    assert meeting.sequence == 2
    assert notices(follower) == ["Sitzung geändert: Sitzung"] * 2
    assert notices(bystander) == []


def test_revision_shows_berlin_time(ctx, make_user):
    director = make_user(role="managing_director")
    meeting = draft(director)
    services.publish_meeting(meeting, director)
    start = local_to_utc(datetime(2031, 7, 3, 18, 30))  # summer: UTC+2
    services.update_meeting(meeting, director, starts_at=start, ends_at=start + timedelta(hours=2))
    assert "03.07.2031, 18:30" in meeting.revisions[0].summary


def test_remove_and_reorder_keep_positions_dense(ctx, make_user):
    director = make_user(role="managing_director")
    meeting = draft(director, items=("A", "B", "C", "D"))
    services.publish_meeting(meeting, director)
    a, b, c, d = meeting.items
    agenda.remove_item(meeting, b, director)
    assert [(i.title, i.position) for i in meeting.items] == [("A", 1), ("C", 2), ("D", 3)]
    agenda.reorder_items(meeting, director, [d.id, a.id, c.id])
    assert [i.title for i in meeting.items] == ["D", "A", "C"]
    agenda.move_item(meeting, c, director, 1)
    assert [i.title for i in meeting.items] == ["C", "D", "A"]
    summaries = [r.summary for r in meeting.revisions]
    assert "TOP 2 entfernt: B" in summaries
    assert any(s.startswith("Tagesordnung neu geordnet") and "„D“ ist jetzt TOP 1" in s for s in summaries)
    with pytest.raises(Invalid):
        agenda.reorder_items(meeting, director, [a.id, c.id])


def test_insert_at_position(ctx, make_user):
    director = make_user(role="managing_director")
    meeting = draft(director, items=("A", "B"))
    agenda.add_item(meeting, director, title="Neu", position=1)
    assert [i.title for i in meeting.items] == ["Neu", "A", "B"]


def test_only_visible_proposals_can_be_linked(ctx, make_user, make_council, make_proposal):
    director, moderator = make_user(role="managing_director"), make_user()
    council = make_council(moderators=[moderator])
    secret = make_proposal(council=make_council(visibility="private"))
    someone_elses_draft = make_proposal(status="draft")
    meeting = draft(moderator, council)
    item = meeting.items[0]
    for proposal in (secret, someone_elses_draft):
        with pytest.raises(Invalid, match="gibt es nicht"):
            agenda.update_item(meeting, item, moderator, proposal_ids=[proposal.id])
    with pytest.raises(Invalid):
        agenda.update_item(meeting, item, moderator, proposal_ids=[999999])
    agenda.update_item(meeting, item, director, proposal_ids=[secret.id])  # the director sees it
    assert item.proposals == [secret]


def test_linked_proposals_are_filtered_for_each_viewer(ctx, make_user, make_council, make_proposal):
    director, insider, outsider = make_user(role="managing_director"), make_user(), make_user()
    private = make_council(visibility="private", members=[insider])
    secret, open_one = make_proposal(council=private), make_proposal()
    meeting = draft(director)
    agenda.update_item(meeting, meeting.items[0], director, proposal_ids=[secret.id, open_one.id])
    services.publish_meeting(meeting, director)
    assert [p.id for p in queries.linked_proposals(meeting.items, insider)[meeting.items[0].id]] == \
        sorted([secret.id, open_one.id])
    assert [p.id for p in queries.linked_proposals(meeting.items, outsider)[meeting.items[0].id]] == [open_one.id]
    assert [p.id for p in queries.linked_proposals(meeting.items, None)[meeting.items[0].id]] == [open_one.id]
    assert queries.meetings_discussing(open_one, None)[0][0].id == meeting.id


def test_running_a_meeting(ctx, make_user):
    director, follower = make_user(role="managing_director"), make_user()
    meeting = draft(director, items=("A", "B"))
    with pytest.raises(Conflict):
        running.set_current_item(meeting, director, meeting.items[0])
    services.publish_meeting(meeting, director)
    services.follow(meeting, follower)
    first = running.advance(meeting, director)
    assert meeting.status == "live" and meeting.current_item_id == first.id and meeting.current_item_started_at
    assert notices(follower) == ["Die Sitzung hat begonnen: Sitzung"]
    second = running.advance(meeting, director)
    assert second.position == 2 and meeting.current_item_id == second.id
    with pytest.raises(Conflict, match="letzte"):
        running.advance(meeting, director)
    other = draft(director)
    with pytest.raises(Invalid):
        running.set_current_item(meeting, director, other.items[0])
    with pytest.raises(NotAllowed):
        running.set_current_item(meeting, follower, first)
    running.end_meeting(meeting, director)
    assert meeting.status == "ended" and meeting.current_item_id is None
    with pytest.raises(Conflict):
        running.set_current_item(meeting, director, first)
    with pytest.raises(Conflict):
        agenda.add_item(meeting, director, title="Zu spät")


def test_minutes_end_the_meeting(ctx, make_user):
    director = make_user(role="managing_director")
    meeting = draft(director, items=("A", "B"))
    services.publish_meeting(meeting, director)
    running.advance(meeting, director)
    a = meeting.items[0]
    assert running.publish_minutes(meeting, director, minutes="## Ergebnis\n\nAlles gut.", attendance_count=42,
                                   organisations=["TU Braunschweig", " ", "TU Braunschweig", "Stadtwerke"],
                                   outcomes={a.id: "Beschlossen."}) is True
    assert meeting.status == "ended" and meeting.has_minutes and meeting.current_item_id is None
    assert meeting.organisations_list == ["TU Braunschweig", "Stadtwerke"]
    assert a.outcome == "Beschlossen." and meeting.revisions[0].summary == "Protokoll veröffentlicht"
    assert running.publish_minutes(meeting, director, minutes="Korrigiert", attendance_count=43) is False
    assert meeting.revisions[0].summary == "Protokoll geändert"
    with pytest.raises(Invalid):
        running.publish_minutes(meeting, director, minutes="x", attendance_count=-1)
    with pytest.raises(Invalid):
        running.publish_minutes(meeting, director, minutes="x", attendance_count=1, outcomes={999999: "x"})


def test_cancel_tells_members_and_keeps_a_revision(ctx, make_user, make_council):
    director, member = make_user(role="managing_director"), make_user()
    council = make_council(members=[member])
    meeting = draft(director, council)
    with pytest.raises(Conflict):
        services.cancel_meeting(meeting, director)
    services.publish_meeting(meeting, director)
    services.cancel_meeting(meeting, director)
    assert meeting.status == "cancelled" and meeting.revisions[0].summary == "Sitzung abgesagt"
    assert "Sitzung abgesagt: Sitzung" in notices(member)
    with pytest.raises(Conflict):
        services.delete_draft(meeting, director)


def test_delete_draft(ctx, make_user):
    director = make_user(role="managing_director")
    meeting = draft(director)
    services.delete_draft(meeting, director)
    db.session.commit()
    assert db.session.scalar(select(Meeting).where(Meeting.title == "Sitzung")) is None


def test_follow_counts_once(ctx, make_user, make_meeting):
    user = make_user()
    meeting = make_meeting()
    assert services.follow(meeting, user) is True and services.follow(meeting, user) is False
    db.session.refresh(meeting)
    assert meeting.followers_count == 1
    assert services.unfollow(meeting, user) is True and services.unfollow(meeting, user) is False
    db.session.refresh(meeting)
    assert meeting.followers_count == 0
    with pytest.raises(NotAllowed):
        services.follow(make_meeting(status="draft"), user)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "council_member", "moderator", "other_moderator",
                                  "managing_director", "chair", "admin"])
def test_listing_filter_agrees_with_predicate(ctx, role, make_actor, make_council, make_meeting):
    from forum.permissions import can_view_meeting

    public, private = make_council(), make_council(visibility="private")
    user = make_actor(role, private)  # members and moderators of the private council
    meetings = [make_meeting(council=c, status=s) for c in (None, public, private) for s in ("draft", "published")]
    listed = set(db.session.scalars(select(Meeting.id).where(queries.visible_meetings_filter(user))))
    assert listed == {m.id for m in meetings if can_view_meeting(user, m)}


def test_room_resolver(ctx, make_user, make_council, make_meeting):
    member, outsider, unverified = make_user(), make_user(), make_user(stakeholder="business", verified=False)
    private = make_council(visibility="private", members=[member])
    public = make_council()
    secret, open_meeting, forum_meeting = (make_meeting(council=private), make_meeting(council=public),
                                           make_meeting())
    assert resolve_meeting_room(str(secret.id), outsider) is None
    assert resolve_meeting_room(str(secret.id), None) is None
    assert resolve_meeting_room("x1", member) is None and resolve_meeting_room("999999", member) is None
    room = resolve_meeting_room(str(secret.id), member)
    assert room.name == f"meeting:{secret.id}" and room.council.id == private.id
    assert room.can_read(member) and room.can_post(member) and not room.can_read(outsider)
    public_room = resolve_meeting_room(str(open_meeting.id), outsider)
    assert public_room.can_read(outsider) and not public_room.can_post(outsider)  # not in that council
    forum_room = resolve_meeting_room(str(forum_meeting.id), None)
    assert forum_room.can_read(None) and not forum_room.can_post(None)
    assert forum_room.can_post(outsider) and not forum_room.can_post(unverified)


def test_api_times_need_an_offset(app):
    with app.test_request_context():
        assert parse_api_datetime("2026-05-04T18:00:00+02:00", "starts_at") == datetime(2026, 5, 4, 16, 0)
        assert parse_api_datetime("2026-01-04T18:00:00Z", "starts_at") == datetime(2026, 1, 4, 18, 0)
        with pytest.raises(Invalid) as err:
            parse_api_datetime("2026-05-04T18:00:00", "starts_at")
        assert err.value.code == "missing_offset"
        with pytest.raises(Invalid):
            parse_api_datetime("gestern", "starts_at")


def test_form_times_are_berlin(app):
    assert local_to_utc(datetime(2026, 1, 15, 18, 0)) == datetime(2026, 1, 15, 17, 0)
    assert local_to_utc(datetime(2026, 7, 15, 18, 0)) == datetime(2026, 7, 15, 16, 0)


def test_room_checks_read_fresh_state(ctx, make_user, make_meeting):
    user = make_user()
    meeting = make_meeting()
    room = resolve_meeting_room(str(meeting.id), user)
    assert room.can_post(user)
    db.session.execute(Meeting.__table__.update().where(Meeting.id == meeting.id).values(status="ended"))
    assert not room.can_post(user) and room.can_read(user)
