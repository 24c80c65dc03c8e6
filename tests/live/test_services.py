"""Live services without HTTP or sockets: posting, de-duplication, history, hiding, emit-after-commit."""
from __future__ import annotations

import pytest

from forum.errors import Conflict, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.live import services
from forum.live.models import LiveMessage
from forum.rooms import resolve_room


@pytest.fixture
def emitted(monkeypatch):
    """The live emits that actually went out (after a commit), as (room, event, payload)."""
    sent = []
    monkeypatch.setattr("forum.broadcast.emit_to_room",
                        lambda room, event, payload: sent.append((room, event, payload)))
    return sent


def council_room(council, user):
    return resolve_room(f"council:{council.slug}", user)


def test_post_message_is_announced_only_after_commit(make_user, make_council, emitted):
    anna = make_user()
    council = make_council(members=[anna])
    message, created = services.post_message(council_room(council, anna), anna, "  Hallo  ")
    assert created and message.id and message.body == "Hallo"
    assert emitted == []
    db.session.commit()
    assert [(room, event, payload["id"]) for room, event, payload in emitted] == [
        (f"council:{council.slug}", "message", message.id)]


def test_a_rolled_back_post_is_never_announced(make_user, make_council, emitted):
    anna = make_user()
    council = make_council(members=[anna])
    services.post_message(council_room(council, anna), anna, "Wird verworfen")
    db.session.rollback()
    db.session.commit()
    assert emitted == [] and db.session.query(LiveMessage).count() == 0


def test_client_id_makes_posting_idempotent(make_user, make_council, emitted):
    anna = make_user()
    council = make_council(members=[anna])
    room = council_room(council, anna)
    first, created = services.post_message(room, anna, "Einmal", "abc")
    db.session.commit()
    again, created_again = services.post_message(room, anna, "Einmal (nochmal)", "abc")
    db.session.commit()
    assert created and not created_again and again.id == first.id and again.body == "Einmal"
    assert len(emitted) == 1


def test_a_client_id_cannot_move_to_another_room(make_user, make_council):
    anna = make_user()
    first, second = make_council(members=[anna]), make_council(members=[anna])
    services.post_message(council_room(first, anna), anna, "Hier", "abc")
    with pytest.raises(Conflict):
        services.post_message(council_room(second, anna), anna, "Dort", "abc")


def test_the_database_refuses_a_duplicate_client_id(make_user, make_council):
    from sqlalchemy.exc import IntegrityError

    anna = make_user()
    council = make_council(members=[anna])
    db.session.add_all([LiveMessage(room=f"council:{council.slug}", author_id=anna.id, body="a", body_html="a",
                                    client_id="dup") for _ in range(2)])
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("body, code", [
    ("", "empty"), (" \n ", "empty"), ("x" * 2001, "too_long"), (None, "invalid_field")])
def test_bad_bodies_are_invalid(body, code, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    with pytest.raises(Invalid) as err:
        services.post_message(council_room(council, anna), anna, body)
    assert err.value.code == code


def test_outsiders_may_not_post(make_user, make_council):
    outsider = make_user()
    council = make_council()
    with pytest.raises(NotAllowed):
        services.post_message(council_room(council, outsider), outsider, "Hallo")


def test_history_is_in_order_and_pages_after_since(make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    room = council_room(council, anna)
    ids = [services.post_message(room, anna, f"Nr. {i}")[0].id for i in range(5)]
    assert [m.id for m in services.history(room, None)] == ids
    assert [m.id for m in services.history(room, None, since=ids[1])] == ids[2:]
    assert [m.id for m in services.history(room, None, limit=2)] == ids[3:]
    assert [m.id for m in services.history(room, None, since=ids[0], limit=2)] == ids[1:3]


def test_hide_keeps_the_first_reason_and_announces_once(app, make_user, make_council, emitted):
    anna, mod = make_user(), make_user()
    council = make_council(members=[anna], moderators=[mod])
    message, _ = services.post_message(council_room(council, anna), anna, "Hm")
    db.session.commit()
    emitted.clear()
    with app.test_request_context():  # the author's notice links back to the room
        services.hide_message(mod, message, "Erster Grund")
        services.hide_message(mod, message, "Zweiter Grund")
        db.session.commit()
    assert message.hidden_reason == "Erster Grund" and message.hidden_by_id == mod.id
    assert [(room, event) for room, event, _ in emitted] == [
        (f"council:{council.slug}", "message_hidden"), (f"user:{anna.id}", "message_hidden")]


def test_hide_refuses_members_and_hides_private_rooms_from_outsiders(make_user, make_council):
    anna = make_user()
    council = make_council(visibility="private", members=[anna])
    message, _ = services.post_message(council_room(council, anna), anna, "Intern")
    with pytest.raises(NotAllowed):
        services.hide_message(anna, message, "Selbst")
    with pytest.raises(NotFound):
        services.hide_message(make_user(), message, "Fremd")


def test_a_deleted_author_shows_as_deleted_account(make_user, make_council):
    from forum.accounts.models import User
    from forum.live.schemas import live_message

    anna = make_user()
    council = make_council(members=[anna])
    message, _ = services.post_message(council_room(council, anna), anna, "Tschüss", "bye")
    db.session.commit()
    db.session.delete(db.session.get(User, anna.id))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(LiveMessage, message.id)
    assert stored.author_id is None
    assert live_message(stored)["author"] == {"id": None, "name": "gelöschtes Konto", "stakeholder": None}


def test_the_database_decides_what_is_a_duplicate(monkeypatch, make_user, make_council):
    """No look-up before the INSERT (a retry racing in from another socket could pass it): the
    unique (author, client_id) makes the INSERT do nothing, and only then is the first one read."""
    anna = make_user()
    council = make_council(members=[anna])
    room = council_room(council, anna)
    real_lookup = services._by_client_id
    calls = []

    def counting_lookup(author_id, client_id):
        calls.append(client_id)
        return real_lookup(author_id, client_id)

    monkeypatch.setattr(services, "_by_client_id", counting_lookup)
    first, created = services.post_message(room, anna, "Zuerst", "race")
    db.session.commit()
    assert created and calls == []
    again, created = services.post_message(room, anna, "Nochmal", "race")
    assert not created and again.id == first.id and again.body == "Zuerst"
    assert calls == ["race"]
    db.session.commit()
    assert db.session.query(LiveMessage).count() == 1


def test_demo_messages_are_seeded_once(app):
    from forum.demo import seed_demo

    assert seed_demo() > 0
    db.session.commit()
    assert seed_demo() == 0
    rooms = {m.room for m in db.session.query(LiveMessage)}
    assert rooms == {"council:mobilitaet"}
