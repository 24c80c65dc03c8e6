"""Who a socket is, checked again on every event; origins; transport size limits."""
from __future__ import annotations

import pytest

from forum.extensions import db, socketio
from forum.rooms import NAMESPACE
from tests.live.conftest import call, received


def test_session_cookie_identifies_the_person(sio, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    ack = call(sio(anna), "post", {"room": f"council:{council.slug}", "body": "Ich bin's"})
    assert ack["message"]["author"]["id"] == anna.id


def test_api_token_identifies_the_person(sio, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    client = sio(anna, token=True)
    ack = call(client, "post", {"room": f"council:{council.slug}", "body": "Per Token"})
    assert ack["ok"] and ack["message"]["author"]["id"] == anna.id


@pytest.mark.parametrize("token", ["falsch", "", "x" * 500, 42])
def test_a_bad_token_is_refused_at_connect(token, sio):
    assert not sio(auth={"token": token}).is_connected(NAMESPACE)


def test_a_revoked_token_takes_effect_on_the_next_event(sio, make_user, make_council):
    anna = make_user()
    council = make_council(visibility="private", members=[anna])
    room = f"council:{council.slug}"
    client = sio(anna, token=True)
    assert call(client, "join", {"room": room})["ok"]
    revoked = client.http.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {client.token}"})
    assert revoked.status_code == 204
    ack = call(client, "post", {"room": room, "body": "Noch da?"})
    assert ack["error"]["code"] == "unauthenticated"
    # from now on the socket is anonymous: out of the private room, cannot post
    call(sio(anna), "post", {"room": room, "body": "Nur für Mitglieder"})
    assert received(client, "message") == []
    assert call(client, "join", {"room": room})["error"]["code"] == "not_found"


def test_a_lost_membership_takes_effect_on_the_next_event(sio, make_user, make_council):
    from forum.councils.models import Membership

    anna, ben = make_user(), make_user()
    council = make_council(visibility="private", members=[anna, ben])
    room = f"council:{council.slug}"
    client = sio(ben)
    assert call(client, "join", {"room": room})["ok"]
    db.session.query(Membership).filter_by(user_id=ben.id).delete()
    db.session.commit()
    assert call(client, "post", {"room": room, "body": "Hallo?"})["error"]["code"] == "not_found"
    call(sio(anna), "post", {"room": room, "body": "Intern"})
    assert received(client, "message") == []


def test_losing_the_right_to_post_but_not_to_read(sio, make_user, make_council):
    from forum.councils.models import Membership

    anna = make_user()
    council = make_council(members=[anna])
    room = f"council:{council.slug}"
    client = sio(anna)
    assert call(client, "post", {"room": room, "body": "eins"})["ok"]
    db.session.query(Membership).filter_by(user_id=anna.id).delete()
    db.session.commit()
    assert call(client, "post", {"room": room, "body": "zwei"})["error"]["code"] == "not_allowed"
    assert call(client, "join", {"room": room})["ok"]  # a public room stays readable


def test_a_password_change_elsewhere_ends_the_socket_identity(sio, make_user, make_council):
    from forum.accounts.models import User

    anna = make_user()
    council = make_council(members=[anna])
    client = sio(anna)
    user = db.session.get(User, anna.id)
    user.session_version += 1  # what a password change or "log out everywhere" does
    db.session.commit()
    assert call(client, "post", {"room": f"council:{council.slug}", "body": "x"})["error"]["code"] == "unauthenticated"


def test_a_deleted_account_ends_the_socket_identity(sio, make_user, make_council):
    from forum.accounts.models import User

    anna = make_user()
    council = make_council(members=[anna])
    client = sio(anna, token=True)
    db.session.delete(db.session.get(User, anna.id))
    db.session.commit()
    assert call(client, "post", {"room": f"council:{council.slug}", "body": "x"})["error"]["code"] == "unauthenticated"


def test_logout_closes_that_persons_browser_sockets(sio, make_user, make_council):
    anna, ben = make_user(), make_user()
    council = make_council(members=[anna, ben])
    first, second, other = sio(anna), sio(anna), sio(ben)
    api = sio(anna, token=True)
    response = first.http.post("/logout")
    assert response.status_code == 302
    assert not first.is_connected(NAMESPACE) and not second.is_connected(NAMESPACE)
    assert other.is_connected(NAMESPACE) and api.is_connected(NAMESPACE)
    assert call(other, "post", {"room": f"council:{council.slug}", "body": "Noch hier"})["ok"]


def test_sockets_connecting_from_a_foreign_origin_are_refused(sio):
    assert not sio(headers={"Origin": "https://boese.example"}).is_connected(NAMESPACE)
    assert sio(headers={"Origin": "http://localhost"}).is_connected(NAMESPACE)
    assert sio().is_connected(NAMESPACE)  # non-browser clients send no Origin


def test_engineio_refuses_a_foreign_origin_before_any_socket_exists(client):
    foreign = client.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "https://boese.example"})
    assert foreign.status_code == 400
    own = client.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://localhost"})
    assert own.status_code == 200 and own.get_data(as_text=True).startswith("0{")
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_configured_origins_replace_the_default(app_factory):
    app = app_factory(ALLOWED_ORIGINS=["https://forum.braunschweig.example"])
    http = app.test_client()
    allowed = http.get("/socket.io/?EIO=4&transport=polling",
                       headers={"Origin": "https://forum.braunschweig.example"})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://forum.braunschweig.example"
    assert http.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://localhost"}).status_code == 400
    never_star = socketio.server.eio.cors_allowed_origins
    assert never_star == ["https://forum.braunschweig.example"]


def test_the_default_never_allows_every_origin(app):
    assert socketio.server.eio.cors_allowed_origins is None  # Engine.IO: same origin only


def test_reading_goes_on_when_the_shared_state_store_is_away(app_factory, make_council):
    """Presence and rate-limit counters live in Redis; without it a room can still be joined and read."""
    from forum.extensions import db as _db

    council = make_council()
    broken = app_factory(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", LIVE_PRESENCE_DELAY=0,
                         SQLALCHEMY_DATABASE_URI=_db.engine.url.render_as_string(hide_password=False))
    client = socketio.test_client(broken, namespace=NAMESPACE)
    ack = call(client, "join", {"room": f"council:{council.slug}"})
    assert ack["ok"] and ack["presence"] == 0
    client.disconnect(NAMESPACE)
