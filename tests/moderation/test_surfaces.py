"""A hidden item is gone for ordinary readers on every surface — pages, API, search, history, live
rooms — and back after a restore; a suspension closes the person's sockets at once."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.live import services as live
from forum.rooms import NAMESPACE, resolve_room
from forum.proposals.models import Comment
from tests.live.conftest import call, received, sio  # noqa: F401  (the socket fixture)

PLACEHOLDER = "Dieser Beitrag wurde von der Moderation ausgeblendet."
SECRET = "Quarkstrudelgesetz"


@pytest.fixture
def scene(make_user, make_council, make_proposal):
    moderator, author, reader = make_user(), make_user(), make_user()
    council = make_council(moderators=[moderator], members=[author, reader])
    proposal = make_proposal(author=author, council=council, title=f"Das {SECRET}", body=f"Wir wollen das {SECRET}.")
    return moderator, author, reader, council, proposal


def _hide(client, api_token, moderator, kind, item_id, reason="Verstoß gegen Regel 2"):
    response = client.post(f"/api/v1/moderation/{kind}/{item_id}/hide", json={"reason": reason},
                           headers=api_token(moderator))
    assert response.status_code == 200, response.get_json()


def _surfaces(client, proposal_id, headers=None) -> dict[str, str]:
    """What a reader gets from every place a proposal appears."""
    pages = {path: client.get(path).get_data(as_text=True) for path in (
        f"/proposals/{proposal_id}", "/proposals", f"/proposals?q={SECRET}", f"/proposals/{proposal_id}/history", "/")}
    for path in (f"/api/v1/proposals/{proposal_id}", "/api/v1/proposals", f"/api/v1/proposals?q={SECRET}",
                 f"/api/v1/proposals/{proposal_id}/revisions"):
        pages[path] = client.get(path, headers=headers).get_data(as_text=True)
    return pages


def test_hidden_proposal_leaves_a_placeholder_everywhere_and_comes_back(client, login, api_token, scene):
    moderator, author, reader, council, proposal = scene
    assert all(SECRET in text for path, text in _surfaces(client, proposal.id).items() if "history" not in path
               and "revisions" not in path)
    _hide(client, api_token, moderator, "proposal", proposal.id)
    client.post("/logout")
    for path, text in _surfaces(client, proposal.id).items():
        if "?q=" in path:  # the query itself is echoed in the search field; the results must be empty
            text = text.split('class="result-count"', 1)[-1] if not path.startswith("/api") else text.split(
                '"items"', 1)[-1].split('"page"', 1)[0]
        assert SECRET not in text, path
    assert "0 Vorschläge" in client.get(f"/proposals?q={SECRET}").get_data(as_text=True)
    assert PLACEHOLDER in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert PLACEHOLDER in client.get("/proposals").get_data(as_text=True)
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["hidden"] is True and data["title"] == "Ausgeblendeter Beitrag" and PLACEHOLDER in data["body_html"]
    assert "hidden_reason" not in data
    assert client.get(f"/api/v1/proposals?q={SECRET}").get_json()["total"] == 0
    login(reader)
    assert SECRET not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    login(moderator)  # the council's moderators still see it, marked, with the reason
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert SECRET in page and "Verstoß gegen Regel 2" in page
    mod_api = client.get(f"/api/v1/proposals/{proposal.id}", headers=api_token(moderator)).get_json()
    assert SECRET in mod_api["title"] and mod_api["hidden_reason"] == "Verstoß gegen Regel 2"
    client.post(f"/api/v1/moderation/proposal/{proposal.id}/restore", json={"reason": "Geklärt"},
                headers=api_token(moderator))
    client.post("/logout")
    assert SECRET in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["hidden"] is False
    assert client.get(f"/api/v1/proposals?q={SECRET}").get_json()["total"] == 1


def test_hidden_comment_leaves_a_placeholder_on_the_page_and_in_the_api(client, api_token, scene):
    moderator, author, reader, council, proposal = scene
    response = client.post(f"/api/v1/proposals/{proposal.id}/comments", json={"body": f"Kommentar {SECRET}"},
                           headers=api_token(reader))
    assert response.status_code == 201
    comment_id = response.get_json()["id"]
    report = client.post("/api/v1/reports", json={"target": "comment", "id": comment_id, "reason": "Spam"},
                         headers=api_token(author))
    assert report.status_code == 201
    _hide(client, api_token, moderator, "comment", comment_id)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"Kommentar {SECRET}" not in page and PLACEHOLDER in page
    [listed] = client.get(f"/api/v1/proposals/{proposal.id}/comments").get_json()["items"]
    assert listed["hidden"] is True and SECRET not in listed["body_html"]
    db.session.expire_all()
    assert db.session.get(Comment, comment_id).hidden_reason == "Verstoß gegen Regel 2"


def test_hidden_live_message_leaves_the_room_at_once(app, client, api_token, sio, scene):  # noqa: F811
    moderator, author, reader, council, proposal = scene
    room = f"council:{council.slug}"
    watcher = sio(reader)
    assert call(watcher, "join", {"room": room})["ok"]
    with app.test_request_context():
        message, _ = live.post_message(resolve_room(room, author), author, f"Live {SECRET}")
        db.session.commit()
        message_id = message.id
    report = client.post("/api/v1/reports", json={"target": "message", "id": message_id, "reason": "Beleidigend"},
                         headers=api_token(reader))
    assert report.status_code == 201
    received(watcher)
    _hide(client, api_token, moderator, "message", message_id)
    assert ("message_hidden", {"id": message_id, "room": room}) in received(watcher, "message_hidden")
    history = call(sio(reader), "join", {"room": room})
    assert message_id not in [m["id"] for m in history["messages"]] and message_id in history["hidden"]
    assert f"Live {SECRET}" not in client.get(f"/councils/{council.slug}").get_data(as_text=True)


def test_suspension_closes_the_persons_sockets_at_once(client, api_token, sio, make_user, make_council,  # noqa: F811
                                                        make_proposal):
    md, person, bystander = make_user(role="managing_director"), make_user(), make_user()
    council = make_council(members=[person, bystander])
    room = f"council:{council.slug}"
    browser, app_client, other = sio(person), sio(person, token=True), sio(bystander)
    assert all(call(c, "join", {"room": room})["ok"] for c in (browser, app_client, other))
    response = client.post(f"/api/v1/users/{person.id}/suspension", json={"reason": "Beleidigungen"},
                           headers=api_token(md))
    assert response.status_code == 201
    assert not browser.is_connected(NAMESPACE) and not app_client.is_connected(NAMESPACE)
    assert other.is_connected(NAMESPACE)
    again = sio(person)
    assert call(again, "join", {"room": room})["error"]["code"] == "suspended"
    assert call(again, "post", {"room": room, "body": "Trotzdem"})["ok"] is False
    voting = make_proposal(council=council, status="voting")
    headers = api_token(person)
    assert client.put(f"/api/v1/proposals/{voting.id}/vote", json={"choice": "for"}, headers=headers).status_code == 403
    assert client.post("/api/v1/proposals", json={"title": "Neuer Vorschlag", "body": "Text"},
                       headers=headers).status_code == 403
    assert client.get(f"/api/v1/proposals/{voting.id}", headers=headers).status_code == 200  # reading stays


def test_open_data_keeps_a_hidden_proposal_only_as_a_placeholder(client, api_token, scene):
    moderator, author, reader, council, proposal = scene
    _hide(client, api_token, moderator, "proposal", proposal.id)
    for path in ("/open-data/proposals.json", "/open-data/proposals.csv"):
        text = client.get(path).get_data(as_text=True)
        assert SECRET not in text and "Ausgeblendeter Beitrag" in text, path
