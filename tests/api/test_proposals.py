"""The proposals API against CONTRACT.md: shapes, life cycle, votes, comments, permissions, bad input."""
import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.proposals.models import Proposal, Vote
from tests.conftest import representatives
from tests.proposals.roles import MODERATES, ROLES, VERIFIED, cast

# One actor of each distinct row over HTTP (tests/proposals/test_permissions.py asks every actor
# of the predicates): verified or not, moderating council C or not, inside a private council or not.
HTTP_ROLES = representatives(lambda r: (r in VERIFIED, r in MODERATES,
                                        r in ("council_member", "moderator", "managing_director", "chair", "admin")),
                             ROLES)

GROUPS = {"citizen", "business", "research", "culture", "association"}


def headers_for(api_token, person):
    return api_token(person) if person is not None else {}


def test_create_read_and_contract_shape(app, client, api_token, make_user, make_council):
    author = make_user("research", name="Prof. Albrecht")
    council = make_council(slug="offene-daten")
    h = api_token(author)
    response = client.post("/api/v1/proposals", headers=h, json={
        "title": "Offene Daten der Stadtwerke", "body": "Daten *offen* legen", "council": "offene-daten",
        "tags": ["open-data"]})
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "published" and created["council"] == "offene-daten"
    assert created["author"] == {"id": author.id, "name": "Prof. Albrecht", "stakeholder": "research"}
    assert created["body_html"] == "<p>Daten <em>offen</em> legen</p>"
    data = client.get(f"/api/v1/proposals/{created['id']}").get_json()
    for key in ("id", "title", "body_html", "status", "council", "author", "votes", "comments_count", "created_at"):
        assert key in data
    assert data["votes"] == {"for": 0, "against": 0, "abstain": 0, "total": 0, "by_stakeholder": {
        g: {"for": 0, "against": 0, "abstain": 0} for g in GROUPS}}
    assert data["votes_hidden"] is False and data["my_vote"] is None and data["tags"] == ["open-data"]
    forum_wide = client.post("/api/v1/proposals", headers=h, json={"title": "Forumweit", "body": "B", "draft": True})
    assert forum_wide.status_code == 201
    assert forum_wide.get_json()["council"] is None and forum_wide.get_json()["status"] == "draft"
    assert client.get(f"/api/v1/proposals/{forum_wide.get_json()['id']}").status_code == 404  # anonymous
    assert council.id


def test_life_cycle_over_the_api(app, client, api_token, make_user, make_council):
    moderator, author = make_user(), make_user()
    make_council(slug="mobilitaet", moderators=[moderator])
    mh, ah = api_token(moderator), api_token(author)
    pid = client.post("/api/v1/proposals", headers=ah, json={"title": "Handy-Parken", "body": "B",
                                                            "council": "mobilitaet", "draft": True}).get_json()["id"]
    assert client.patch(f"/api/v1/proposals/{pid}", headers=mh, json={"status": "voting"}).status_code == 404
    assert client.patch(f"/api/v1/proposals/{pid}", headers=ah, json={"status": "published"}).status_code == 200
    assert client.patch(f"/api/v1/proposals/{pid}", headers=ah, json={"title": "Handy-Parken überall"}).status_code == 200
    assert client.patch(f"/api/v1/proposals/{pid}", headers=ah, json={"status": "voting"}).status_code == 403
    assert client.patch(f"/api/v1/proposals/{pid}", headers=mh, json={"status": "accepted"}).status_code == 409
    opened = client.patch(f"/api/v1/proposals/{pid}", headers=mh,
                          json={"status": "voting", "voting_ends_at": "2099-01-01T12:00:00+01:00"})
    assert opened.status_code == 200 and opened.get_json()["voting_ends_at"] == "2099-01-01T11:00:00Z"
    assert client.patch(f"/api/v1/proposals/{pid}", headers=ah, json={"body": "Zu spät"}).status_code == 409
    assert client.put(f"/api/v1/proposals/{pid}/vote", headers=ah, json={"choice": "for"}).status_code == 200
    closed = client.patch(f"/api/v1/proposals/{pid}", headers=mh,
                          json={"status": "accepted", "response": "Wird umgesetzt."})
    assert closed.status_code == 200
    body = closed.get_json()
    assert body["status"] == "accepted" and body["response"]["body_html"] == "<p>Wird umgesetzt.</p>"
    assert client.put(f"/api/v1/proposals/{pid}/vote", headers=ah, json={"choice": "against"}).status_code == 409
    assert client.patch(f"/api/v1/proposals/{pid}", headers=ah, json={"status": "withdrawn"}).status_code == 409
    assert client.patch(f"/api/v1/proposals/{pid}", headers=mh, json={"response": "Nachtrag"}).status_code == 200
    revisions = client.get(f"/api/v1/proposals/{pid}/revisions").get_json()["items"]
    assert [r["title"] for r in revisions] == ["Handy-Parken"]


def test_votes_serialised_as_the_contract_says(app, client, api_token, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    voters = {s: make_user(s) for s in ("citizen", "business", "research")}
    tokens = {s: api_token(u) for s, u in voters.items()}
    url = f"/api/v1/proposals/{proposal.id}/vote"
    client.put(url, headers=tokens["citizen"], json={"choice": "for"})
    client.put(url, headers=tokens["business"], json={"choice": "against"})
    votes = client.put(url, headers=tokens["research"], json={"choice": "abstain"}).get_json()
    assert votes == {"for": 1, "against": 1, "abstain": 1, "total": 3, "by_stakeholder": {
        "citizen": {"for": 1, "against": 0, "abstain": 0}, "business": {"for": 0, "against": 1, "abstain": 0},
        "research": {"for": 0, "against": 0, "abstain": 1}, "culture": {"for": 0, "against": 0, "abstain": 0},
        "association": {"for": 0, "against": 0, "abstain": 0}}}
    changed = client.put(url, headers=tokens["citizen"], json={"choice": "against"}).get_json()
    assert changed["for"] == 0 and changed["by_stakeholder"]["citizen"]["against"] == 1
    withdrawn = client.delete(url, headers=tokens["citizen"])
    assert withdrawn.status_code == 200 and withdrawn.get_json()["total"] == 2
    mine = client.get(f"/api/v1/proposals/{proposal.id}", headers=tokens["business"]).get_json()
    assert mine["my_vote"] == "against"


def test_hidden_counts_shape(app, client, api_token, make_user, make_proposal):
    proposal = make_proposal(status="voting")
    proposal.hide_votes = True
    db.session.commit()
    h = api_token(make_user())
    answer = client.put(f"/api/v1/proposals/{proposal.id}/vote", headers=h, json={"choice": "for"}).get_json()
    assert answer == {"votes_hidden": True, "my_vote": "for"}
    detail = client.get(f"/api/v1/proposals/{proposal.id}", headers=h).get_json()
    assert detail["votes"] is None and detail["votes_hidden"] is True and detail["my_vote"] == "for"
    listed = client.get("/api/v1/proposals").get_json()["items"][0]
    assert listed["votes"] is None and listed["votes_hidden"] is True
    admin = api_token(make_user(role="admin"))
    client.patch(f"/api/v1/proposals/{proposal.id}", headers=admin, json={"status": "accepted"})
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["votes"]["for"] == 1


def test_live_votes_event_after_commit(app, client, api_token, make_user, make_proposal, monkeypatch):
    sent = []
    monkeypatch.setattr("forum.broadcast.socketio.emit",
                        lambda event, payload, to=None, namespace=None: sent.append((event, payload, to)))
    proposal = make_proposal(status="voting")
    h = api_token(make_user("culture"))
    client.put(f"/api/v1/proposals/{proposal.id}/vote", headers=h, json={"choice": "for"})
    assert sent[-1][0] == "votes" and sent[-1][2] == f"proposal:{proposal.id}"
    assert sent[-1][1]["proposal_id"] == proposal.id and sent[-1][1]["votes"]["by_stakeholder"]["culture"]["for"] == 1
    hidden = make_proposal(status="voting")
    hidden.hide_votes = True
    db.session.commit()
    before = len(sent)
    client.put(f"/api/v1/proposals/{hidden.id}/vote", headers=h, json={"choice": "for"})
    assert len(sent) == before


def test_comments_api(app, client, api_token, make_user, make_proposal):
    proposal = make_proposal()
    h = api_token(make_user(name="Mara"))
    url = f"/api/v1/proposals/{proposal.id}/comments"
    first = client.post(url, headers=h, json={"body": "Gute Idee"})
    assert first.status_code == 201 and first.get_json()["author"]["name"] == "Mara"
    reply = client.post(url, headers=h, json={"body": "Nachtrag", "parent_id": first.get_json()["id"]})
    assert reply.get_json()["parent_id"] == first.get_json()["id"]
    assert client.post(url, headers=h, json={"body": "x", "parent_id": 999}).status_code == 422
    assert client.post(url, json={"body": "anonym"}).status_code == 401
    page = client.get(url + "?per_page=1").get_json()
    assert page["total"] == 2 and page["per_page"] == 1 and len(page["items"]) == 1
    cid = first.get_json()["id"]
    assert client.patch(f"{url}/{cid}", headers=h, json={"body": "Geändert"}).get_json()["body_html"] == "<p>Geändert</p>"
    assert client.patch(f"{url}/{cid}", headers=api_token(make_user()), json={"body": "Fremd"}).status_code == 403
    assert client.delete(f"{url}/{cid}", headers=h).status_code == 204
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["comments_count"] == 1


def test_follow_api(app, client, api_token, make_user, make_proposal):
    proposal = make_proposal()
    h = api_token(make_user())
    assert client.put(f"/api/v1/proposals/{proposal.id}/follow", headers=h).status_code == 204
    assert client.put(f"/api/v1/proposals/{proposal.id}/follow", headers=h).status_code == 204
    assert client.delete(f"/api/v1/proposals/{proposal.id}/follow", headers=h).status_code == 204


def test_list_api_filters(app, client, make_user, make_council, make_proposal):
    council = make_council(slug="digitale-infrastruktur")
    make_proposal("Breitband für Gewerbegebiete", author=make_user("business"), council=council, status="done")
    make_proposal("WLAN in der Innenstadt", status="voting")
    def titles(query):
        return [p["title"] for p in client.get("/api/v1/proposals" + query).get_json()["items"]]
    assert titles("?council=digitale-infrastruktur") == ["Breitband für Gewerbegebiete"]
    assert titles("?status=voting") == ["WLAN in der Innenstadt"]
    assert titles("?stakeholder=business") == ["Breitband für Gewerbegebiete"]
    assert titles("?q=Gewerbegebiete") == ["Breitband für Gewerbegebiete"]
    page = client.get("/api/v1/proposals?per_page=100").get_json()
    assert page["per_page"] == 100 and page["total"] == 2
    assert client.get("/api/v1/proposals?per_page=10000").status_code == 400


@pytest.mark.parametrize("method, path, body, status", [
    ("post", "/api/v1/proposals", {"title": "", "body": "x"}, 422),
    ("post", "/api/v1/proposals", {"title": "x" * 100_000, "body": "x"}, 422),
    ("post", "/api/v1/proposals", {"title": "a\x00b", "body": "x"}, 422),
    ("post", "/api/v1/proposals", {"title": "T", "body": "x\x00"}, 422),
    ("post", "/api/v1/proposals", {"title": ["T"], "body": "x"}, 422),
    ("post", "/api/v1/proposals", {"title": "T", "body": "x", "council": "nirgends"}, 404),
    ("post", "/api/v1/proposals", {"title": "T", "body": "x", "draft": "ja"}, 422),
    ("post", "/api/v1/proposals", "kein Objekt", 400),
    ("put", "/api/v1/proposals/{id}/vote", {"choice": "maybe"}, 422),
    ("put", "/api/v1/proposals/{id}/vote", {"choice": 1}, 422),
    ("put", "/api/v1/proposals/{id}/vote", {}, 422),
    ("put", "/api/v1/proposals/999999/vote", {"choice": "for"}, 404),
    ("patch", "/api/v1/proposals/{id}", {"colour": "blau"}, 422),
    ("patch", "/api/v1/proposals/{id}", {"status": "sideways"}, 422),
    ("get", "/api/v1/proposals?sort=random", None, 400),
    ("get", "/api/v1/proposals?sort=created_at%20desc", None, 400),
    ("get", "/api/v1/proposals?status=everything", None, 400),
    ("get", "/api/v1/proposals?per_page=abc", None, 400),
    ("get", "/api/v1/proposals?q=%27%3B%20DROP%20TABLE%20proposals%3B--", None, 200),
    ("get", "/api/v1/proposals?q=%22%20OR%20NEAR(", None, 200),
    ("get", "/api/v1/proposals?q=a%00b", None, 400),
    ("get", "/api/v1/proposals?council=%00", None, 400),
])
def test_bad_input_is_a_clear_4xx(app, client, api_token, make_user, make_proposal, method, path, body, status):
    proposal = make_proposal(status="voting")
    h = api_token(make_user())
    kwargs = {"headers": h}
    if body is not None:
        kwargs["json" if not isinstance(body, str) else "data"] = body
        if isinstance(body, str):
            kwargs["content_type"] = "application/json"
    response = getattr(client, method)(path.replace("{id}", str(proposal.id)), **kwargs)
    assert response.status_code == status
    if status >= 400:
        assert set(response.get_json()["error"]) == {"code", "message"}


@pytest.mark.parametrize("role", HTTP_ROLES)
def test_api_permission_table(app, client, api_token, make_actor, make_user, make_council, make_proposal, role):
    person, council, author = cast(make_actor, make_user, make_council, role)
    published = make_proposal(author=author, council=council)
    in_voting = make_proposal(author=author, council=council, status="voting")
    h = headers_for(api_token, person)
    verified, moderates = role in VERIFIED, role in MODERATES
    anonymous = person is None

    def expect(response, allowed: bool, ok: int = 200):
        if anonymous:
            assert response.status_code == 401
        else:
            assert response.status_code == (ok if allowed else 403), response.get_json()

    assert client.get(f"/api/v1/proposals/{published.id}", headers=h).status_code == 200
    expect(client.post("/api/v1/proposals", headers=h, json={"title": "T", "body": "B", "council": council.slug}),
           verified, 201)
    expect(client.put(f"/api/v1/proposals/{in_voting.id}/vote", headers=h, json={"choice": "for"}), verified)
    expect(client.post(f"/api/v1/proposals/{published.id}/comments", headers=h, json={"body": "Hallo"}), verified, 201)
    expect(client.patch(f"/api/v1/proposals/{published.id}", headers=h, json={"title": "Fremd"}), False)
    expect(client.patch(f"/api/v1/proposals/{published.id}", headers=h, json={"status": "withdrawn"}), False)
    expect(client.patch(f"/api/v1/proposals/{published.id}", headers=h, json={"response": "Antwort"}), moderates)
    expect(client.patch(f"/api/v1/proposals/{in_voting.id}", headers=h, json={"status": "rejected"}), moderates)
    if not anonymous and not verified:
        error = client.put(f"/api/v1/proposals/{in_voting.id}/vote", headers=h, json={"choice": "for"}).get_json()
        assert error["error"]["code"] == "not_verified" and "verifiziert" in error["error"]["message"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Vote)) == (1 if verified else 0)
    assert db.session.get(Proposal, published.id).title != "Fremd"


def test_openapi_documents_proposal_routes(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/proposals"])
    assert {"get", "patch"} <= set(paths["/proposals/{proposal_id}"])
    assert {"put", "delete"} <= set(paths["/proposals/{proposal_id}/vote"])
    assert {"get", "post"} <= set(paths["/proposals/{proposal_id}/comments"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/proposals"):
            path = re.sub(r"<int:(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths[path], (path, method)
