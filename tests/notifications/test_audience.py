"""Notices about a council's proposals and meetings reach only who may see them now: a removed member,
or an outsider who followed while the council was public, hears nothing more once it is private."""
from __future__ import annotations

from sqlalchemy import select

from forum.councils import membership
from forum.extensions import db
from forum.meetings import running
from forum.meetings import services as meetings
from forum.notifications.models import Notification
from forum.proposals import services as proposals
from forum.proposals.lifecycle import change_status


def _notices(user) -> list[str]:
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def test_a_removed_member_hears_nothing_more_of_the_councils_proposal_and_meeting(
        app, make_user, make_council, make_proposal, make_meeting, outbox):
    director, removed, member = make_user(role="managing_director"), make_user(), make_user()
    council = make_council("Geheimer Kreis", visibility="private", members=[removed, member])
    proposal = make_proposal("Geheimtitel", council=council, author=member)
    meeting = make_meeting("Geheimsitzung", council=council, items=("Eins",))
    for person in (removed, member):
        proposals.follow(proposal, person)
        meetings.follow(meeting, person)
    membership.remove_member(director, council, removed)
    db.session.commit()

    change_status(proposal, director, "voting")
    meetings.update_meeting(meeting, director, location="Neuer geheimer Ort")
    running.set_current_item(meeting, director, meeting.items[0])
    meetings.cancel_meeting(meeting, director)
    db.session.commit()

    assert _notices(removed) == ["council.removed"]
    assert set(_notices(member)) >= {"proposal.status", "meeting.changed", "meeting.live", "meeting.cancelled"}
    mails = outbox()
    assert not any(removed.email in mail and ("Geheimtitel" in mail or "Geheimsitzung" in mail) for mail in mails)
    assert any(member.email in mail and "Geheimsitzung" in mail for mail in mails)


def test_followers_of_a_council_made_private_hear_nothing_more_but_the_staff_do(
        app, make_user, make_council, make_proposal, make_meeting):
    director, chair, outsider, member = (make_user(role="managing_director"), make_user(role="chair"),
                                         make_user(), make_user())
    council = make_council("Bald geheim", members=[member])
    proposal = make_proposal("Noch öffentlich", council=council, author=member)
    meeting = make_meeting("Noch öffentliche Sitzung", council=council, items=("Eins",))
    for person in (outsider, chair):
        proposals.follow(proposal, person)
        meetings.follow(meeting, person)
    council.visibility = "private"
    db.session.commit()

    change_status(proposal, director, "voting")
    meetings.cancel_meeting(meeting, director)
    db.session.commit()

    assert _notices(outsider) == []
    assert set(_notices(chair)) == {"proposal.status", "meeting.cancelled"}
