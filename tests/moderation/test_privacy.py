"""Data rights: the export holds exactly the person's data; deletion leaves no personal data anywhere."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.councils import membership
from forum.extensions import db
from forum.moderation import services
from forum.audit import audit
from forum.live import services as live
from forum.live.models import LiveMessage
from forum.rooms import resolve_room
from forum.proposals.models import Comment, Follow, Proposal, Vote
from tests.conftest import PASSWORD

NAME, EMAIL, ORG = "Zora Quellenberg-Xylo", "zora.quellenberg@example.org", "Xylophonwerke Quellenberg"


@pytest.fixture
def person(make_user):
    return make_user(stakeholder="business", name=NAME, email=EMAIL, organisation=ORG)


@pytest.fixture
def rich_person(app, person, make_user, make_council, make_proposal):
    """`person` with data in every area of main: memberships, a join request, a proposal with and
    one without others' comments, a report, notices (also others' notices naming them)."""
    with app.test_request_context():
        moderator = make_user()
        open_council = make_council(members=[person])
        asking = make_council(join_policy="request", moderators=[moderator])
        membership.request_to_join(person, asking, "Ich möchte mitarbeiten.")
        mine = make_proposal(author=person, council=open_council, title="Mein Vorschlag", body="Meine Idee")
        other = make_proposal(title="Fremder Vorschlag")
        services.report(person, "proposal", other.id, "Doppelt eingereicht")
        audit(make_user(role="admin"), "user.verify", person)  # what was done to them stays, by number
        neighbour = make_user()
        db.session.add_all([
            Comment(proposal_id=other.id, author_id=person.id, body="Mein Kommentar"),
            Comment(proposal_id=mine.id, author_id=neighbour.id, body="Eine Antwort von jemand anderem"),
            Vote(proposal_id=other.id, user_id=person.id, choice="for", stakeholder="business"),
            Follow(proposal_id=other.id, user_id=person.id),
        ])
        live.post_message(resolve_room(f"council:{open_council.slug}", person), person, "Meine Live-Nachricht",
                          "client-1")
        db.session.commit()
    return person, mine, other


def test_export_contains_exactly_that_persons_data(client, api_token, make_user, make_council, make_proposal,
                                                   rich_person):
    person, mine, other = rich_person
    stranger = make_user(name="Bernd Fremdmann", email="bernd.fremd@example.org")
    make_proposal(author=stranger, title="Bernds Vorschlag")
    secret = make_council(name="Geheimer Kreis", slug="geheimer-kreis", visibility="private")
    make_proposal(author=person, council=secret, title="Im geheimen Kreis")  # a council they are not in
    response = client.get("/api/v1/me/export", headers=api_token(person))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["account"]["email"] == EMAIL and data["account"]["organisation"] == ORG
    assert "password_hash" not in json.dumps(data)
    assert [p["title"] for p in data["proposals"]] == ["Mein Vorschlag"]
    assert [r["reason"] for r in data["reports"]] == ["Doppelt eingereicht"]
    assert [r["message"] for r in data["join_requests"]] == ["Ich möchte mitarbeiten."]
    assert len(data["memberships"]) == 1
    assert [c["body"] for c in data["comments"]] == ["Mein Kommentar"]
    assert [(v["proposal_id"], v["choice"]) for v in data["votes"]] == [(other.id, "for")]
    assert [f["proposal_id"] for f in data["proposal_follows"]] == [other.id]
    assert [m["body"] for m in data["live_messages"]] == ["Meine Live-Nachricht"]
    text = json.dumps(data, ensure_ascii=False)
    for leak in ("Bernd", "bernd.fremd", "Geheimer Kreis", "geheimer-kreis", "Im geheimen Kreis", "Fremder Vorschlag",
                 "Eine Antwort von jemand anderem"):
        assert leak not in text
    assert client.get("/api/v1/me/export").status_code == 401


def _walk_for(person_id: int, strings: tuple[str, ...]) -> list[str]:
    """Every place in every table where the person's id (in a column referring to users) or one of
    `strings` (in any text or JSON column) still appears. The audit log may keep bare ids."""
    found = []
    for table in db.metadata.sorted_tables:
        user_columns = {c.name for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)}
        if table.name == "users":
            user_columns.add("id")
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if column in user_columns and value == person_id:
                    found.append(f"{table.name}.{column} = id")
                if isinstance(value, (str, dict, list)):
                    blob = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    found += [f"{table.name}.{column} ~ {s}" for s in strings if s.lower() in blob.lower()]
    return found


def test_deletion_leaves_no_personal_data_in_any_table(client, api_token, rich_person, make_user):
    person, mine, _ = rich_person
    person_id = person.id
    headers = api_token(person)
    assert client.delete("/api/v1/me", json={"password": "falsch"}, headers=headers).status_code == 403
    assert client.delete("/api/v1/me", json={}, headers=headers).status_code == 422
    assert _walk_for(person_id, (NAME, EMAIL, ORG)) != []  # the walk sees the data while it is there
    assert client.delete("/api/v1/me", json={"password": PASSWORD}, headers=headers).status_code == 204
    db.session.expire_all()
    assert _walk_for(person_id, (NAME, EMAIL, ORG)) == []
    kept = db.session.get(Proposal, mine.id)
    assert kept is not None and kept.author_id is None  # shows as "gelöschtes Konto"
    assert client.get(f"/api/v1/proposals/{mine.id}").get_json()["author"]["name"] == "gelöschtes Konto"
    assert db.session.scalar(select(LiveMessage.body)) == "Meine Live-Nachricht"  # stays, without author
    assert db.session.scalar(select(Vote.choice)) == "for"  # still counts, anonymously
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # the token is gone
    assert db.session.scalar(select(User).where(User.email == EMAIL)) is None


def test_deletion_can_take_contributions_without_others_replies(client, api_token, make_proposal, rich_person):
    person, mine, _ = rich_person
    lonely_id = make_proposal(author=person, title="Ohne Antworten").id
    mine_id, headers = mine.id, api_token(person)
    response = client.delete("/api/v1/me", json={"password": PASSWORD, "delete_contributions": True}, headers=headers)
    assert response.status_code == 204
    db.session.expire_all()
    assert db.session.get(Proposal, mine_id) is not None  # someone else commented on it: it stays
    assert db.session.get(Proposal, lonely_id) is None
    assert db.session.scalar(select(Comment).where(Comment.body == "Mein Kommentar")) is None
    assert db.session.scalar(select(LiveMessage)) is None


def test_deletion_ends_the_browser_session(client, login, person):
    login(person)
    assert client.get("/profile").status_code == 200
    client.post("/profile/delete", data={"password": PASSWORD})
    assert client.get("/profile").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_export_and_deletion_cover_cooperation_requests(app, client, api_token, person):
    from forum.controlling.cooperation import submit_request
    from forum.controlling.cooperation_models import CooperationRequest

    with app.test_request_context():
        submit_request(person, "open_data", ORG, "Wir möchten die Open-Data-Plattform mitgestalten.")
        db.session.commit()
    headers = api_token(person)
    [request] = client.get("/api/v1/me/export", headers=headers).get_json()["cooperation_requests"]
    assert request["message"] == "Wir möchten die Open-Data-Plattform mitgestalten."
    person_id = person.id
    assert client.delete("/api/v1/me", json={"password": PASSWORD}, headers=headers).status_code == 204
    db.session.expire_all()
    assert db.session.scalar(select(CooperationRequest)) is None
    assert _walk_for(person_id, (NAME, EMAIL, ORG)) == []
