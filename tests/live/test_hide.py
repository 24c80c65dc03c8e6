"""Hiding a message: who may, what everyone sees at once, what history keeps."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.live.models import LiveMessage
from tests.live.conftest import ROLES, call, received

MAY_HIDE = {"moderator", "managing_director", "admin"}


@pytest.fixture
def room_with_message(sio, make_user, make_council):
    author = make_user()
    council = make_council(members=[author])
    room = f"council:{council.slug}"
    writer = sio(author)
    call(writer, "join", {"room": room})
    message = call(writer, "post", {"room": room, "body": "Ein unfreundlicher Satz"})["message"]
    received(writer)
    return council, room, author, writer, message


@pytest.mark.parametrize("role", ROLES)
def test_who_may_hide(role, room_with_message, sio, person):
    council, room, _author, _writer, message = room_with_message
    actor = person(role, council)
    ack = call(sio(actor), "hide", {"id": message["id"], "reason": "Beleidigung"})
    assert ack["ok"] is (role in MAY_HIDE)
    db.session.expire_all()
    assert (db.session.get(LiveMessage, message["id"]).hidden_at is not None) is (role in MAY_HIDE)


def test_hidden_message_vanishes_for_everyone_and_the_author_learns_why(room_with_message, sio, person):
    council, room, author, writer, message = room_with_message
    reader, moderator = sio(), sio(person("moderator", council))
    call(reader, "join", {"room": room})
    received(reader)
    ack = call(moderator, "hide", {"id": message["id"], "reason": "Beleidigung"})
    assert ack == {"ok": True, "message": {"id": message["id"], "room": room, "hidden": True}}
    assert received(reader, "message_hidden") == [("message_hidden", {"id": message["id"], "room": room})]
    to_author = [p for _, p in received(writer, "message_hidden")]
    assert {"id": message["id"], "room": room, "reason": "Beleidigung"} in to_author


def test_hidden_messages_never_return_in_history_to_ordinary_members(room_with_message, sio, make_user, person):
    council, room, author, writer, message = room_with_message
    moderator = person("moderator", council)
    call(sio(moderator), "hide", {"id": message["id"], "reason": "Beleidigung"})
    for client in (sio(), sio(make_user())):
        ack = call(client, "join", {"room": room})
        assert ack["messages"] == [] and ack["hidden"] == [message["id"]]
        ack = call(client, "join", {"room": room, "since": 0})
        assert ack["messages"] == []
    own = call(sio(author), "join", {"room": room})["messages"]
    assert own[0]["hidden"] is True and own[0]["hidden_reason"] == "Beleidigung"
    seen_by_moderator = call(sio(moderator), "join", {"room": room})["messages"]
    assert seen_by_moderator[0]["body_html"] == "<p>Ein unfreundlicher Satz</p>" and seen_by_moderator[0]["hidden"]


def test_hiding_needs_a_reason(room_with_message, sio, person):
    council, _room, _author, _writer, message = room_with_message
    moderator = sio(person("moderator", council))
    assert call(moderator, "hide", {"id": message["id"], "reason": "  "})["error"]["code"] == "missing_reason"
    assert call(moderator, "hide", {"id": message["id"]})["error"]["code"] == "missing_reason"
    assert call(moderator, "hide", {"id": message["id"], "reason": "x" * 501})["error"]["code"] == "too_long"
    assert call(moderator, "hide", {"id": 999_999, "reason": "x"})["error"]["code"] == "not_found"
    assert call(moderator, "hide", {"id": "1", "reason": "x"})["error"]["code"] == "not_found"


def test_a_private_rooms_message_cannot_be_hidden_or_probed_by_outsiders(sio, make_user, make_council, person):
    member = make_user()
    council = make_council(visibility="private", members=[member])
    message = call(sio(member), "post", {"room": f"council:{council.slug}", "body": "Intern"})["message"]
    outsider = person("other_moderator", council)
    ack = call(sio(outsider), "hide", {"id": message["id"], "reason": "x"})
    assert ack["error"]["code"] == "not_found"


def test_forum_wide_rooms_are_moderated_by_the_managing_director_only(sio, make_user):
    from forum.rooms import Room, _resolvers, register_room_kind
    from forum.permissions import is_verified_member

    register_room_kind("demo", lambda key, user: Room(
        name=f"demo:{key}", obj=None, council=None, can_read=lambda u: True,
        can_post=lambda u: is_verified_member(u), title="Demo"))
    try:
        message = call(sio(make_user()), "post", {"room": "demo:1", "body": "Hallo"})["message"]
        assert call(sio(make_user(role="chair")), "hide", {"id": message["id"], "reason": "x"})["ok"] is False
        assert call(sio(make_user(role="managing_director")), "hide", {"id": message["id"], "reason": "x"})["ok"]
    finally:
        _resolvers.pop("demo", None)
