"""Services queue their live events on the one after-commit queue (forum/effects.py): the handlers
only commit, and the room hears the stored state once — never a refused or rolled-back change."""
from __future__ import annotations

from forum.extensions import db
from forum.meetings import running
from forum.proposals import voting
from tests.live.conftest import call, received


def watch(sio, room: str):
    watcher = sio()
    assert call(watcher, "join", {"room": room})["ok"]
    received(watcher)
    return watcher


def test_a_vote_through_the_page_reaches_the_proposal_room(sio, login, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    watcher = watch(sio, f"proposal:{proposal.id}")
    response = login(make_user(stakeholder="research")).post(f"/proposals/{proposal.id}/vote",
                                                             data={"choice": "against"})
    assert response.status_code == 302
    [(_, payload)] = received(watcher, "votes")
    assert payload["proposal_id"] == proposal.id
    assert payload["votes"]["against"] == 1 and payload["votes"]["total"] == 1
    assert payload["votes"]["by_stakeholder"]["research"] == {"for": 0, "against": 1, "abstain": 0}


def test_a_refused_vote_announces_nothing(sio, login, make_user, make_proposal):
    proposal = make_proposal(status="published")  # voting has not begun
    watcher = watch(sio, f"proposal:{proposal.id}")
    login(make_user()).post(f"/proposals/{proposal.id}/vote", data={"choice": "for"})
    assert received(watcher, "votes") == []


def test_votes_of_a_rolled_back_transaction_are_never_announced(sio, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    voter = make_user()
    watcher = watch(sio, f"proposal:{proposal.id}")
    voting.cast_vote(proposal.id, voter, "for")
    db.session.rollback()
    db.session.commit()
    assert received(watcher, "votes") == []


def test_two_votes_in_one_transaction_are_announced_once_with_the_final_counts(sio, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    first, second = make_user(), make_user(stakeholder="business")
    watcher = watch(sio, f"proposal:{proposal.id}")
    voting.cast_vote(proposal.id, first, "for")
    voting.cast_vote(proposal.id, second, "for")
    assert received(watcher, "votes") == []  # nothing before the commit
    db.session.commit()
    [(_, payload)] = received(watcher, "votes")
    assert payload["votes"]["for"] == 2 and payload["votes"]["by_stakeholder"]["business"]["for"] == 1


def test_moving_through_the_agenda_in_one_transaction_announces_where_it_ended(sio, make_user, make_meeting):
    meeting = make_meeting()
    director = make_user(role="managing_director")
    watcher = watch(sio, f"meeting:{meeting.id}")
    running.advance(meeting, director)
    running.advance(meeting, director)
    db.session.commit()
    second = meeting.items[1].id
    assert received(watcher, "agenda") == [("agenda", {"meeting_id": meeting.id, "current_item_id": second, "status": "live"})]


def test_cancelling_a_live_meeting_tells_its_room_that_no_item_is_current(sio, login, make_user, make_meeting):
    meeting = make_meeting()
    director = make_user(role="managing_director")
    running.set_current_item(meeting, director, meeting.items[0])
    db.session.commit()
    watcher = watch(sio, f"meeting:{meeting.id}")
    response = login(director).post(f"/meetings/{meeting.id}/cancel")
    assert response.status_code == 302
    assert received(watcher, "agenda") == [("agenda", {"meeting_id": meeting.id, "current_item_id": None, "status": "cancelled"})]
