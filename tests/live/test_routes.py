"""The panel without JavaScript: server-rendered history, the plain form, the hide form."""
from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.live.models import LiveMessage
from tests.conftest import sign_in
from tests.live.conftest import ROLES, call, received


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_room_page_shows_history_to_anonymous_visitors_without_a_form(client, sio, make_user, make_council):
    anna = make_user(name="Anna Schmidt")
    council = make_council(name="Fachbeirat Mobilität", members=[anna])
    call(sio(anna), "post", {"room": f"council:{council.slug}", "body": "Handy-Parken **jetzt** überall"})
    html = page(client, f"/live/rooms/council/{council.slug}")
    assert "Handy-Parken <strong>jetzt</strong> überall" in html and "Anna Schmidt" in html
    assert 'aria-live="polite"' in html and 'data-live-room="council:' in html
    assert "<textarea" not in html and "Melde dich an, um mitzudiskutieren." in html
    assert re.search(r"js/vendor/socket\.io\.min\.[0-9a-f]{12}\.js", html) and re.search(r"js/live\.[0-9a-f]{12}\.js", html)


@pytest.mark.parametrize("role", ROLES)
def test_the_plain_form_posts_for_those_allowed(role, app, person, make_council, sio):
    council = make_council(visibility="private")
    user = person(role, council)
    http = app.test_client()
    if user is not None:
        sign_in(http, user)
    watcher = sio(person("council_member", council))
    call(watcher, "join", {"room": f"council:{council.slug}"})
    received(watcher)
    response = http.post(f"/live/rooms/council/{council.slug}/messages",
                         data={"body": "Ohne JavaScript", "next": f"/councils/{council.slug}"})
    may_read = role in {"council_member", "moderator", "unverified_member", "managing_director", "chair", "admin"}
    may_post = role in {"council_member", "moderator", "managing_director", "chair", "admin"}
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif not may_read:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
    stored = db.session.query(LiveMessage).count()
    assert stored == (1 if may_post else 0)
    if may_post:
        assert response.headers["Location"].startswith(f"/councils/{council.slug}#live-message-")
        assert [p["body_html"] for _, p in received(watcher, "message")] == ["<p>Ohne JavaScript</p>"]


def test_submitting_the_same_form_twice_stores_one_message(login, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    client = login(anna)
    data = {"body": "Doppelklick", "client_id": "form-abc123"}
    client.post(f"/live/rooms/council/{council.slug}/messages", data=data)
    client.post(f"/live/rooms/council/{council.slug}/messages", data=data)
    assert db.session.query(LiveMessage).count() == 1


def test_the_same_form_sent_again_at_the_rate_limit_shows_the_stored_message(app, login, make_user, make_council):
    app.config["LIVE_POST_LIMIT"] = "1/60"
    anna = make_user()
    council = make_council(members=[anna])
    client = login(anna)
    url = f"/live/rooms/council/{council.slug}/messages"
    first = client.post(url, data={"body": "Einmal", "client_id": "form-limit-1"})
    again = client.post(url, data={"body": "Einmal", "client_id": "form-limit-1"})
    message = db.session.query(LiveMessage).one()
    assert first.headers["Location"] == again.headers["Location"]
    assert again.headers["Location"].endswith(f"#live-message-{message.id}")
    other = client.post(url, data={"body": "Neu", "client_id": "form-limit-2"}, follow_redirects=True)
    assert "Zu viele Nachrichten in kurzer Zeit" in other.get_data(as_text=True)
    assert db.session.query(LiveMessage).count() == 1


def test_the_form_rejects_empty_and_long_messages_with_a_message(login, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    client = login(anna)
    response = client.post(f"/live/rooms/council/{council.slug}/messages", data={"body": "x" * 2001},
                           follow_redirects=True)
    assert "Die Nachricht ist zu lang (höchstens 2000 Zeichen)." in response.get_data(as_text=True)
    response = client.post(f"/live/rooms/council/{council.slug}/messages", data={"body": " "}, follow_redirects=True)
    assert "Die Nachricht ist leer." in response.get_data(as_text=True)
    assert db.session.query(LiveMessage).count() == 0


def test_next_only_leads_back_to_this_site(login, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    response = login(anna).post(f"/live/rooms/council/{council.slug}/messages",
                                data={"body": "Hallo", "next": "https://boese.example/"})
    assert response.headers["Location"].startswith(f"/live/rooms/council/{council.slug}#live-message-")


def test_the_form_needs_a_csrf_token(csrf_app, login, make_user, make_council):
    anna = make_user()
    council = make_council(members=[anna])
    client = csrf_app.test_client()
    sign_in(client, anna)
    response = client.post(f"/live/rooms/council/{council.slug}/messages", data={"body": "Ohne Token"})
    assert response.status_code == 400
    assert db.session.query(LiveMessage).count() == 0


def test_members_see_the_form_and_moderators_the_hide_buttons(app, login, make_user, make_council, sio):
    anna, mod = make_user(), make_user()
    council = make_council(members=[anna], moderators=[mod])
    message = call(sio(anna), "post", {"room": f"council:{council.slug}", "body": "Hallo"})["message"]
    html = page(login(anna), f"/live/rooms/council/{council.slug}")
    assert "<textarea" in html and "Nachricht ausblenden" not in html
    html = page(login(mod), f"/live/rooms/council/{council.slug}")
    assert f'action="/live/messages/{message["id"]}/hide"' in html
    assert "<template data-live-hide-template>" in html and 'for="live-hide-reason-__ID__"' in html


def test_moderators_hide_without_javascript(login, make_user, make_council, sio):
    anna, mod = make_user(), make_user()
    council = make_council(members=[anna], moderators=[mod])
    room = f"council:{council.slug}"
    message = call(sio(anna), "post", {"room": room, "body": "Unpassend"})["message"]
    reader = sio()
    call(reader, "join", {"room": room})
    received(reader)
    client = login(mod)
    response = client.post(f"/live/messages/{message['id']}/hide", data={"reason": "Off-Topic", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == f"/#live-message-{message['id']}"
    assert received(reader, "message_hidden") == [("message_hidden", {"id": message["id"], "room": room})]
    assert "Unpassend" not in page(login(make_user()), f"/live/rooms/council/{council.slug}")
    own = page(login(anna), f"/live/rooms/council/{council.slug}")
    assert "Unpassend" in own and "Grund: Off-Topic" in own


def test_ordinary_members_cannot_hide_without_javascript(login, make_user, make_council, sio):
    anna = make_user()
    council = make_council(members=[anna])
    message = call(sio(anna), "post", {"room": f"council:{council.slug}", "body": "Meins"})["message"]
    response = login(make_user()).post(f"/live/messages/{message['id']}/hide", data={"reason": "x"})
    assert response.status_code == 403
    assert db.session.get(LiveMessage, message["id"]).hidden_at is None


def test_private_rooms_are_invisible_on_every_page(client, login, make_user, make_council, sio):
    member = make_user()
    council = make_council(name="Geheimer Beirat", visibility="private", members=[member])
    message = call(sio(member), "post", {"room": f"council:{council.slug}", "body": "Intern"})["message"]
    for http in (client, login(make_user())):
        assert http.get(f"/live/rooms/council/{council.slug}").status_code == 404
        assert http.post(f"/live/messages/{message['id']}/hide", data={"reason": "x"}).status_code in (302, 404)
    assert login(make_user()).post(f"/live/messages/{message['id']}/hide", data={"reason": "x"}).status_code == 404


def test_live_panel_renders_nothing_for_an_invisible_room(app, make_user, make_council):
    from flask import render_template_string

    council = make_council(visibility="private")
    with app.test_request_context("/"):
        html = render_template_string('{% from "_macros/live.html" import live_panel %}'
                                      '[{{ live_panel("council:' + council.slug + '") }}]')
    assert "".join(html.split()) == "[]"


def test_a_page_of_another_feature_can_show_the_panel(app, client, make_user):
    """The lead puts {{ live_panel(...) }} on council, proposal and meeting pages; a registered kind is all it needs."""
    from flask import render_template_string

    from forum.rooms import Room, _resolvers, register_room_kind
    from forum.permissions import is_verified_member

    register_room_kind("demo", lambda key, user: Room(
        name=f"demo:{key}", obj=None, council=None, can_read=lambda u: True,
        can_post=lambda u: is_verified_member(u), title="Demo-Raum") if key == "1" else None)

    @app.get("/demo-page")
    def demo_page():
        return render_template_string(
            '{% extends "base.html" %}{% block content %}{% from "_macros/live.html" import live_panel %}'
            '<h1>Demo</h1>{{ live_panel("demo:1", heading="Diskussion") }}{% endblock %}'
            '{% block scripts %}{% from "_macros/live.html" import live_scripts %}{{ live_scripts() }}{% endblock %}')

    try:
        html = page(client, "/demo-page")
        assert '<h2 id="live-demo-1-heading">Diskussion</h2>' in html and 'data-live-room="demo:1"' in html
        assert client.get("/live/rooms/demo/2").status_code == 404
    finally:
        _resolvers.pop("demo", None)


def test_the_plain_form_shares_the_post_rate_limit(app, login, make_user, make_council, sio):
    app.config["LIVE_POST_LIMIT"] = "2/60"
    anna = make_user()
    council = make_council(members=[anna])
    assert call(sio(anna), "post", {"room": f"council:{council.slug}", "body": "per Socket"})["ok"]
    client = login(anna)
    client.post(f"/live/rooms/council/{council.slug}/messages", data={"body": "per Formular"})
    response = client.post(f"/live/rooms/council/{council.slug}/messages", data={"body": "zu viel"},
                           follow_redirects=True)
    assert "Zu viele Nachrichten in kurzer Zeit" in response.get_data(as_text=True)
    assert db.session.query(LiveMessage).count() == 2
