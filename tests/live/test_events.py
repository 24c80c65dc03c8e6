"""The /live namespace through Flask-SocketIO's test client: rooms, posting, history, hiding."""
from __future__ import annotations

import pytest

from forum.councils.models import Membership
from forum.extensions import db
from forum.live.models import LiveMessage
from tests.live.conftest import ROLES, call, received

CAN_POST_COUNCIL = {"council_member", "moderator", "managing_director", "chair", "admin"}


@pytest.fixture
def member_and_room(make_user, make_council):
    """A person and the live room of a public council they belong to."""
    anna = make_user()
    council = make_council(members=[anna])
    return anna, f"council:{council.slug}"


def test_anonymous_reads_a_public_room_but_cannot_post(sio, member_and_room):
    anna, room = member_and_room
    call(sio(anna), "post", {"room": room, "body": "Guten Morgen"})
    visitor = sio()
    ack = call(visitor, "join", {"room": room})
    assert ack["ok"] and [m["body_html"] for m in ack["messages"]] == ["<p>Guten Morgen</p>"]
    assert ack["can_post"] is False
    assert call(visitor, "post", {"room": room, "body": "Hallo"})["error"]["code"] == "unauthenticated"
    assert db.session.query(LiveMessage).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_who_may_post_in_a_council_room(role, sio, person, make_council):
    council = make_council()
    user = person(role, council)
    client = sio(user)
    ack = call(client, "post", {"room": f"council:{council.slug}", "body": "Mein Beitrag"})
    assert ack["ok"] is (role in CAN_POST_COUNCIL)
    if not ack["ok"]:
        assert ack["error"]["code"] in ("unauthenticated", "not_allowed")


@pytest.mark.parametrize("role", ROLES)
def test_private_council_room_is_for_members_only(role, sio, person, make_council):
    council = make_council(visibility="private")
    user = person(role, council)
    client = sio(user)
    ack = call(client, "join", {"room": f"council:{council.slug}"})
    may_read = role in {"council_member", "moderator", "unverified_member", "managing_director", "chair", "admin"}
    assert ack["ok"] is may_read
    if not may_read:  # the same answer as for a room that does not exist
        assert ack["error"]["code"] == "not_found"
        assert call(client, "join", {"room": "council:gibt-es-nicht"})["error"] == ack["error"]


def test_private_room_messages_never_reach_outsiders(sio, make_user, make_council):
    member, outsider = make_user(), make_user()
    council = make_council(visibility="private", members=[member])
    room = f"council:{council.slug}"
    snoop = sio(outsider)
    call(snoop, "join", {"room": room})
    call(sio(member), "post", {"room": room, "body": "Vertraulich"})
    assert received(snoop, "message") == []


def test_archived_council_room_is_read_only(sio, make_user, make_council):
    from forum.database import utcnow

    member = make_user()
    council = make_council(members=[member])
    council.archived_at = utcnow()
    db.session.commit()
    client = sio(member)
    assert call(client, "join", {"room": f"council:{council.slug}"})["ok"]
    ack = call(client, "post", {"room": f"council:{council.slug}", "body": "Noch da?"})
    assert ack["error"]["code"] == "not_allowed"


@pytest.mark.parametrize("status, readable, postable", [
    ("draft", False, False), ("published", True, True), ("voting", True, True), ("withdrawn", True, False),
])
def test_proposal_rooms_follow_the_proposal(status, readable, postable, sio, make_user, make_proposal):
    proposal = make_proposal(status=status)
    client = sio(make_user())
    room = f"proposal:{proposal.id}"
    assert call(client, "join", {"room": room})["ok"] is readable
    assert call(client, "post", {"room": room, "body": "Dazu eine Frage"})["ok"] is postable


def test_a_draft_room_is_its_authors_but_closed(sio, make_user, make_proposal):
    author = make_user()
    proposal = make_proposal(status="draft", author=author)
    client = sio(author)
    assert call(client, "join", {"room": f"proposal:{proposal.id}"})["ok"]
    assert call(client, "post", {"room": f"proposal:{proposal.id}", "body": "Notiz"})["error"]["code"] == "not_allowed"


def test_proposal_of_a_private_council_is_invisible_to_outsiders(sio, make_user, make_council, make_proposal):
    member = make_user()
    council = make_council(visibility="private", members=[member])
    proposal = make_proposal(council=council)
    assert call(sio(make_user()), "join", {"room": f"proposal:{proposal.id}"})["error"]["code"] == "not_found"
    assert call(sio(member), "post", {"room": f"proposal:{proposal.id}", "body": "Intern"})["ok"]


def test_a_message_reaches_everyone_in_the_room_once_and_is_stored_first(sio, make_user, make_council):
    anna, ben = make_user(), make_user()
    council = make_council(members=[anna, ben])
    room = f"council:{council.slug}"
    a, b, visitor = sio(anna), sio(ben), sio()
    for client in (a, b, visitor):
        call(client, "join", {"room": room})
    ack = call(a, "post", {"room": room, "body": "Das *Handy-Parken* klappt.", "client_id": "k-1"})
    assert ack["ok"] and ack["message"]["body_html"] == "<p>Das <em>Handy-Parken</em> klappt.</p>"
    for client in (a, b, visitor):
        messages = received(client, "message")
        assert [m for _, m in messages] == [ack["message"]]
    stored = db.session.get(LiveMessage, ack["message"]["id"])
    assert stored is not None and stored.body == "Das *Handy-Parken* klappt."
    assert ack["message"]["author"] == {"id": anna.id, "name": anna.name, "stakeholder": "citizen"}


def test_a_repeated_client_id_returns_the_first_message(sio, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    room = f"council:{council.slug}"
    a, b = sio(anna), sio()
    call(b, "join", {"room": room})
    first = call(a, "post", {"room": room, "body": "Einmal", "client_id": "retry-7"})
    again = call(a, "post", {"room": room, "body": "Einmal", "client_id": "retry-7"})
    assert again == first
    assert len(received(b, "message")) == 1
    assert db.session.query(LiveMessage).count() == 1
    # another person may use the same client_id: it is per author
    ben = make_user()
    db.session.add(Membership(council_id=council.id, user_id=ben.id, role="member"))
    db.session.commit()
    other = call(sio(ben), "post", {"room": room, "body": "Einmal", "client_id": "retry-7"})
    assert other["ok"] and other["message"]["id"] != first["message"]["id"]


def test_reconnect_with_since_gets_what_was_missed_in_order(sio, member_and_room):
    anna, room = member_and_room
    writer = sio(anna)
    first = call(writer, "post", {"room": room, "body": "eins"})["message"]
    phone = sio()
    seen = call(phone, "join", {"room": room})["messages"]
    assert [m["id"] for m in seen] == [first["id"]]
    phone.disconnect("/live")
    for word in ("zwei", "drei", "vier"):
        call(writer, "post", {"room": room, "body": word})
    phone = sio()
    ack = call(phone, "join", {"room": room, "since": seen[-1]["id"]})
    assert [m["body_html"] for m in ack["messages"]] == ["<p>zwei</p>", "<p>drei</p>", "<p>vier</p>"]
    assert ack["more"] is False
    again = call(phone, "join", {"room": room, "since": ack["messages"][-1]["id"]})
    assert again["messages"] == []


def test_long_absence_is_caught_up_page_by_page(app, sio, member_and_room):
    anna, room = member_and_room
    db.session.add_all([LiveMessage(room=room, author_id=anna.id, body=str(i), body_html=f"<p>{i}</p>")
                        for i in range(130)])
    db.session.commit()
    phone = sio()
    ack = call(phone, "join", {"room": room, "since": 0})
    assert len(ack["messages"]) == 100 and ack["more"] is True
    rest = call(phone, "join", {"room": room, "since": ack["messages"][-1]["id"]})
    ids = [m["id"] for m in ack["messages"] + rest["messages"]]
    assert len(ids) == 130 and ids == sorted(set(ids)) and rest["more"] is False


@pytest.mark.parametrize("since", ["3", -1, True, 1.5, 2**70])
def test_a_malformed_since_is_refused(since, sio, make_council):
    council = make_council()
    assert call(sio(), "join", {"room": f"council:{council.slug}", "since": since})["error"]["code"] == "invalid_field"


@pytest.mark.parametrize("payload", [None, "council:x", [], {"room": 5}, {"room": "x" * 500}, {"room": "nope:1"}])
def test_malformed_join_answers_an_error(payload, sio):
    ack = call(sio(), "join", payload)
    assert ack["ok"] is False and ack["error"]["code"] in ("bad_request", "not_found")


def test_oversized_messages_are_refused(sio, member_and_room):
    anna, room = member_and_room
    client = sio(anna)
    assert call(client, "post", {"room": room, "body": "x" * 2000})["ok"]
    too_long = call(client, "post", {"room": room, "body": "x" * 2001})
    assert too_long["error"]["code"] == "too_long"
    assert call(client, "post", {"room": room, "body": "y" * 60_000})["error"]["code"] == "too_long"
    assert call(client, "post", {"room": room, "body": "   "})["error"]["code"] == "empty"
    assert call(client, "post", {"room": room, "body": 5})["error"]["code"] == "invalid_field"
    assert call(client, "post", {"room": room, "body": "ok", "client_id": "x" * 65})["error"]["code"] == "invalid_field"
    assert db.session.query(LiveMessage).count() == 1


def test_markdown_goes_through_the_one_sanitiser(sio, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    ack = call(sio(anna), "post", {"room": f"council:{council.slug}",
                                    "body": "<script>alert(1)</script> [x](javascript:alert(1)) **fett**"})
    html = ack["message"]["body_html"]
    assert "<script" not in html and 'href="javascript' not in html and "<strong>fett</strong>" in html


def test_posting_is_rate_limited_with_an_error_code(app, sio, make_user, make_council):
    app.config["LIVE_POST_LIMIT"] = "3/60"
    anna = make_user()
    council = make_council(members=[anna])
    client = sio(anna)
    answers = [call(client, "post", {"room": f"council:{council.slug}", "body": f"Nr. {i}"}) for i in range(5)]
    assert [a["ok"] for a in answers] == [True, True, True, False, False]
    assert answers[3]["error"]["code"] == "rate_limited" and answers[3]["error"]["message"]
    assert db.session.query(LiveMessage).count() == 3


def test_a_retry_at_the_rate_limit_still_gets_the_first_message(app, sio, member_and_room):
    """A client whose acknowledgement was lost resends with the same client_id; being at the post
    limit must not turn the stored message into an error. A new client_id is still refused."""
    app.config["LIVE_POST_LIMIT"] = "2/60"
    anna, room = member_and_room
    client, watcher = sio(anna), sio()
    call(watcher, "join", {"room": room})
    first = call(client, "post", {"room": room, "body": "Erste", "client_id": "lost-ack-1"})
    call(client, "post", {"room": room, "body": "Zweite", "client_id": "lost-ack-2"})
    retries = [call(client, "post", {"room": room, "body": "Erste", "client_id": "lost-ack-1"}) for _ in range(2)]
    assert retries == [first, first]
    fresh = call(client, "post", {"room": room, "body": "Dritte", "client_id": "lost-ack-3"})
    assert fresh["ok"] is False and fresh["error"]["code"] == "rate_limited"
    elsewhere = call(client, "post", {"room": "council:gibt-es-nicht", "body": "Erste", "client_id": "lost-ack-1"})
    assert elsewhere["error"]["code"] == "rate_limited"
    assert db.session.query(LiveMessage).count() == 2
    assert len(received(watcher, "message")) == 2  # nothing broadcast again


def test_any_event_flood_is_rate_limited(app, sio, make_council):
    app.config["LIVE_EVENT_LIMIT"] = "5/60"
    council = make_council()
    client = sio()
    answers = [call(client, "join", {"room": f"council:{council.slug}"}) for _ in range(7)]
    assert [a["ok"] for a in answers] == [True] * 5 + [False] * 2
    assert answers[-1]["error"]["code"] == "rate_limited"


def test_presence_counts_who_is_in_the_room(sio, make_council):
    council = make_council()
    room = f"council:{council.slug}"
    first = sio()
    assert call(first, "join", {"room": room})["presence"] == 1
    second = sio()
    assert call(second, "join", {"room": room})["presence"] == 2
    assert received(first, "presence")[-1][1] == {"room": room, "count": 2}
    call(second, "leave", {"room": room})
    assert received(first, "presence")[-1][1]["count"] == 1
    third = sio()
    call(third, "join", {"room": room})
    third.disconnect("/live")
    assert received(first, "presence")[-1][1]["count"] == 1


def test_votes_emitted_by_another_feature_reach_the_proposal_room(app, sio, make_proposal):
    from forum.broadcast import emit_to_room

    proposal = make_proposal(status="voting")
    watcher = sio()
    call(watcher, "join", {"room": f"proposal:{proposal.id}"})
    votes = {"for": 1, "against": 0, "abstain": 0, "total": 1, "by_stakeholder": {}}
    emit_to_room(f"proposal:{proposal.id}", "votes", {"proposal_id": proposal.id, "votes": votes})
    assert received(watcher, "votes") == [("votes", {"proposal_id": proposal.id, "votes": votes})]
