"""Sockets follow access at once: a person who loses the right to read a room stops hearing it the
moment the change is committed, not on their socket's next event (forum/live/access.py).

Every test ends the same way: someone still allowed posts in the room; the socket that lost the
room receives nothing, the one that kept it receives the message. The test client delivers
synchronously, so "nothing" here means nothing at all, not "nothing yet"."""
from __future__ import annotations

from forum.extensions import db
from forum.rooms import NAMESPACE
from tests.conftest import PASSWORD
from tests.live.conftest import call, received


def _private_room(make_user, make_council, *members):
    moderator = make_user(name="Moderatorin")
    council = make_council(visibility="private", members=list(members), moderators=[moderator])
    return council, f"council:{council.slug}", moderator


def _joined(*clients, room):
    for client in clients:
        assert call(client, "join", {"room": room})["ok"]
        received(client)  # forget presence and history


def _says(sio, author, room, text):
    ack = call(sio(author), "post", {"room": room, "body": text})
    assert ack["ok"], ack
    return ack["message"]["id"]


def _heard(client, message_id) -> bool:
    return any(payload["id"] == message_id for _, payload in received(client, "message"))


def test_a_member_removed_through_the_api_hears_nothing_more_while_the_others_do(
        client, sio, make_user, make_council, api_token):
    anna, ben = make_user(), make_user()
    council, room, moderator = _private_room(make_user, make_council, anna, ben)
    removed, stays = sio(ben), sio(anna)
    by_token = sio(ben, token=True)
    _joined(removed, stays, by_token, room=room)
    response = client.delete(f"/api/v1/councils/{council.slug}/members/{ben.id}", headers=api_token(moderator))
    assert response.status_code == 204
    message_id = _says(sio, moderator, room, "Vertraulich: Haushaltsentwurf")
    assert _heard(stays, message_id)
    assert not _heard(removed, message_id) and not _heard(by_token, message_id)
    assert removed.is_connected(NAMESPACE)  # only the room is gone, the socket stays for public rooms
    assert call(removed, "join", {"room": room})["error"]["code"] == "not_found"


def test_removal_through_the_service_evicts_on_commit_and_not_before(app, sio, make_user, make_council):
    from forum.councils import membership

    anna, ben = make_user(), make_user()
    council, room, moderator = _private_room(make_user, make_council, anna, ben)
    removed = sio(ben)
    _joined(removed, room=room)
    with app.test_request_context():
        membership.remove_member(moderator, council, ben)
        db.session.rollback()  # a change that is not committed takes nothing away
    still = _says(sio, moderator, room, "Noch dabei")
    assert _heard(removed, still)
    with app.test_request_context():
        membership.remove_member(moderator, council, ben)
        db.session.commit()
    gone = _says(sio, moderator, room, "Nicht mehr dabei")
    assert not _heard(removed, gone)


def test_leaving_a_private_council_takes_the_room_with_it(client, sio, make_user, make_council, api_token):
    anna = make_user()
    council, room, moderator = _private_room(make_user, make_council, anna)
    socket = sio(anna)
    _joined(socket, room=room)
    assert client.delete(f"/api/v1/councils/{council.slug}/members/{anna.id}",
                         headers=api_token(anna)).status_code == 204
    assert not _heard(socket, _says(sio, moderator, room, "Nach dem Austritt"))


def test_a_council_made_private_sheds_its_outsiders_at_once(client, sio, make_user, make_council, api_token):
    member, outsider, chair = make_user(), make_user(), make_user(role="chair")
    council = make_council(members=[member])
    room = f"council:{council.slug}"
    anonymous, stranger, inside = sio(), sio(outsider), sio(member)
    _joined(anonymous, stranger, inside, room=room)
    response = client.patch(f"/api/v1/councils/{council.slug}", json={"visibility": "private"},
                            headers=api_token(chair))
    assert response.status_code == 200
    message_id = _says(sio, member, room, "Ab jetzt intern")
    assert _heard(inside, message_id)
    assert not _heard(anonymous, message_id) and not _heard(stranger, message_id)


def test_a_proposal_room_of_a_council_made_private_is_left_too(client, sio, make_user, make_council,
                                                               make_proposal, api_token):
    member, chair = make_user(), make_user(role="chair")
    council = make_council(members=[member])
    proposal = make_proposal(council=council, author=member)
    room = f"proposal:{proposal.id}"
    anonymous, inside = sio(), sio(member)
    _joined(anonymous, inside, room=room)
    assert client.patch(f"/api/v1/councils/{council.slug}", json={"visibility": "private"},
                        headers=api_token(chair)).status_code == 200
    message_id = _says(sio, member, room, "Zum Vorschlag, intern")
    assert _heard(inside, message_id) and not _heard(anonymous, message_id)


def test_a_revoked_token_loses_its_rights_at_once(sio, make_user, make_council):
    anna = make_user()
    council, room, moderator = _private_room(make_user, make_council, anna)
    app_socket = sio(anna, token=True)
    _joined(app_socket, room=room)
    revoked = app_socket.http.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {app_socket.token}"})
    assert revoked.status_code == 204
    assert not _heard(app_socket, _says(sio, moderator, room, "Nur noch für Mitglieder"))
    assert app_socket.is_connected(NAMESPACE)  # it goes on as anonymous
    public = make_council()
    assert call(app_socket, "join", {"room": f"council:{public.slug}"})["ok"]
    assert call(app_socket, "post", {"room": f"council:{public.slug}", "body": "x"})["error"]["code"] == "unauthenticated"


def test_revoking_one_token_of_several_leaves_the_others(client, sio, make_user, make_council, api_token):
    anna = make_user()
    council, room, moderator = _private_room(make_user, make_council, anna)
    first, second = sio(anna, token=True), sio(anna, token=True)
    _joined(first, second, room=room)
    tokens = client.get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {second.token}"}).get_json()["items"]
    first_id = next(t["id"] for t in tokens if t["prefix"] == first.token[:8])
    assert client.delete(f"/api/v1/me/tokens/{first_id}",
                         headers={"Authorization": f"Bearer {second.token}"}).status_code == 204
    message_id = _says(sio, moderator, room, "Wer hört noch zu?")
    assert _heard(second, message_id) and not _heard(first, message_id)


def test_a_password_change_ends_every_socket_of_the_person(client, sio, make_user, make_council):
    anna, ben = make_user(), make_user()
    council, room, moderator = _private_room(make_user, make_council, anna, ben)
    browser, app_socket, other = sio(anna), sio(anna, token=True), sio(ben)
    _joined(browser, app_socket, other, room=room)
    response = client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "ganz-neu-123"},
                          headers={"Authorization": f"Bearer {app_socket.token}"})
    assert response.status_code == 204
    assert not browser.is_connected(NAMESPACE)  # its session has ended
    message_id = _says(sio, moderator, room, "Nach der Passwortänderung")
    assert _heard(other, message_id) and not _heard(app_socket, message_id)


def test_a_password_reset_ends_every_socket_of_the_person(sio, make_user, make_council):
    from forum.accounts import services

    anna = make_user()
    council, room, moderator = _private_room(make_user, make_council, anna)
    browser, app_socket = sio(anna), sio(anna, token=True)
    _joined(browser, app_socket, room=room)
    services.reset_password(services.reset_token(anna), "zurueckgesetzt-1")
    db.session.commit()
    assert not browser.is_connected(NAMESPACE)
    assert not _heard(app_socket, _says(sio, moderator, room, "Nach dem Zurücksetzen"))


def test_suspension_closes_the_sockets_through_the_service(app, sio, make_user, make_council):
    from forum.moderation import suspensions

    anna, ben, md = make_user(), make_user(), make_user(role="managing_director")
    council, room, moderator = _private_room(make_user, make_council, anna, ben)
    suspended, other = sio(anna, token=True), sio(ben)
    _joined(suspended, other, room=room)
    with app.test_request_context():
        suspensions.suspend(md, anna, until=None, reason="Beleidigungen")
        db.session.commit()
    assert not suspended.is_connected(NAMESPACE)
    assert _heard(other, _says(sio, moderator, room, "Weiter geht's"))


def test_deleting_the_account_closes_its_sockets(client, sio, make_user, make_council):
    anna, ben = make_user(), make_user()
    council, room, moderator = _private_room(make_user, make_council, anna, ben)
    app_socket, other = sio(anna, token=True), sio(ben)
    _joined(app_socket, other, room=room)
    response = client.delete("/api/v1/me", json={"password": PASSWORD},
                             headers={"Authorization": f"Bearer {app_socket.token}"})
    assert response.status_code == 204
    assert not app_socket.is_connected(NAMESPACE)
    assert _heard(other, _says(sio, moderator, room, "Ohne Anna"))


def test_logout_ends_the_session_on_the_server_and_closes_its_sockets(sio, make_user, make_council):
    anna = make_user()
    council, room, moderator = _private_room(make_user, make_council, anna)
    browser = sio(anna)
    _joined(browser, room=room)
    with browser.http.session_transaction() as stolen:
        cookie = dict(stolen)
    assert browser.http.post("/logout").status_code == 302
    assert not browser.is_connected(NAMESPACE)
    thief = browser.http.application.test_client()
    with thief.session_transaction() as session:
        session.update(cookie)  # a copy of the cookie taken before the logout
    assert thief.get("/profile").status_code == 302
    assert thief.get("/api/v1/me").status_code == 401


def test_relayed_changes_are_applied_by_the_queue_listener(app, sio, make_user, make_council):
    """What another process does with an access change it hears on the queue: the same re-check."""
    from forum.councils.models import Membership
    from forum.live.access import ACCESS_METHOD, AccessRelay

    anna = make_user()
    council, room, moderator = _private_room(make_user, make_council, anna)
    socket = sio(anna)
    _joined(socket, room=room)
    db.session.query(Membership).filter_by(user_id=anna.id).delete()  # bypasses the service: no announcement
    db.session.commit()

    class Queue:
        host_id = "this-process"

        def _listen(self):
            yield b'{"method": "emit", "event": "x"}'
            yield ('{"method": "%s", "host_id": "another-process", "changes": [{"kind": "user", "user_id": %d}]}'
                   % (ACCESS_METHOD, anna.id)).encode()

    relay = type("Relay", (AccessRelay, Queue), {})()
    relay.app = app
    passed_on = list(relay._listen())
    assert passed_on == [b'{"method": "emit", "event": "x"}']  # everything else goes to python-socketio
    assert not _heard(socket, _says(sio, moderator, room, "Nach der Weiterleitung"))
