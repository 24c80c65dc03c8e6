"""API: reports, the moderation queue and decisions, suspensions, the audit log."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.proposals.models import Proposal
from tests.conftest import ACTORS, representatives

MODERATES = {"moderator", "managing_director", "admin"}


@pytest.fixture
def item(make_council, make_proposal):
    council = make_council()
    return council, make_proposal(council=council, body="Strittiger Text")


def test_report_once_per_person_and_item(client, api_token, make_user, item):
    _, proposal = item
    headers = api_token(make_user())
    body = {"target": "proposal", "id": proposal.id, "reason": "Beleidigend"}
    first = client.post("/api/v1/reports", json=body, headers=headers)
    assert first.status_code == 201 and first.get_json()["status"] == "open"
    second = client.post("/api/v1/reports", json=body, headers=headers)
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "already_reported"


@pytest.mark.parametrize("body, status", [
    ({"target": "poll", "id": 1, "reason": "x"}, 404),
    ({"target": "proposal", "id": 10**9, "reason": "x"}, 404),
    ({"target": "proposal", "id": "1", "reason": "x"}, 422),
    ({"target": "proposal", "reason": "x"}, 422),
    ({"target": "proposal", "id": True, "reason": "x"}, 422),
    ({"target": "proposal", "id": 1, "reason": "x" * 1001}, 422),
    ([], 400),
])
def test_bad_reports_are_4xx(body, status, client, api_token, make_user, item):
    response = client.post("/api/v1/reports", json=body, headers=api_token(make_user()))
    assert response.status_code == status and "error" in response.get_json()


def test_anonymous_cannot_report(client, item):
    _, proposal = item
    assert client.post("/api/v1/reports", json={"target": "proposal", "id": proposal.id, "reason": "x"}).status_code == 401


def test_private_items_are_missing_for_outsiders(client, api_token, make_user, make_council, make_proposal):
    secret = make_proposal(council=make_council(visibility="private"))
    response = client.post("/api/v1/reports", json={"target": "proposal", "id": secret.id, "reason": "x"},
                           headers=api_token(make_user()))
    assert response.status_code == 404


# One actor of each distinct row (tests/moderation/test_permissions.py asks every actor of the predicates).
@pytest.mark.parametrize("kind", representatives(lambda k: (k in MODERATES, k == "other_moderator"),
                                                 [k for k in ACTORS if k != "anonymous"]))
def test_queue_and_hide_permission_table(kind, client, api_token, make_actor, make_user, item):
    council, proposal = item
    client.post("/api/v1/reports", json={"target": "proposal", "id": proposal.id, "reason": "Spam"},
                headers=api_token(make_user()))
    headers = api_token(make_actor(kind, council))
    queue = client.get("/api/v1/moderation/reports", headers=headers)
    readers = MODERATES | {"other_moderator"}
    assert queue.status_code == (200 if kind in readers else 403)
    if kind in readers:
        assert [i["id"] for i in queue.get_json()["items"]] == ([proposal.id] if kind in MODERATES else [])
    response = client.post(f"/api/v1/moderation/proposal/{proposal.id}/hide", json={"reason": "Spam"}, headers=headers)
    assert response.status_code == (200 if kind in MODERATES else 403)
    db.session.expire_all()
    assert (db.session.get(Proposal, proposal.id).hidden_at is not None) == (kind in MODERATES)


def test_hide_restore_dismiss_round_trip(client, api_token, make_user, item):
    council, proposal = item
    md = api_token(make_user(role="managing_director"))
    client.post("/api/v1/reports", json={"target": "proposal", "id": proposal.id, "reason": "Spam"},
                headers=api_token(make_user()))
    url = f"/api/v1/moderation/proposal/{proposal.id}"
    assert client.post(f"{url}/hide", json={}, headers=md).status_code == 422
    assert client.post(f"{url}/hide", json={"reason": "Spam"}, headers=md).get_json()["hidden"] is True
    assert client.post(f"{url}/dismiss", json={"reason": "x"}, headers=md).status_code == 409  # reports closed
    assert client.post(f"{url}/restore", json={"reason": "Geprüft"}, headers=md).get_json()["hidden"] is False
    assert client.post(f"{url}/restore", json={"reason": "Geprüft"}, headers=md).status_code == 409
    assert client.post(f"/api/v1/moderation/proposal/{proposal.id}/delete", json={"reason": "x"},
                       headers=md).status_code in (404, 405)


def test_suspension_api(client, api_token, make_user):
    md, member = make_user(role="managing_director"), make_user()
    headers = api_token(md)
    assert client.post(f"/api/v1/users/{member.id}/suspension", json={"reason": "x"},
                       headers=api_token(make_user(role="chair"))).status_code == 403
    assert client.post(f"/api/v1/users/{member.id}/suspension", json={"reason": "x", "until": "morgen"},
                       headers=headers).status_code == 400
    assert client.post(f"/api/v1/users/{member.id}/suspension", json={"reason": "x", "until": "2001-01-01"},
                       headers=headers).status_code == 422
    assert client.post("/api/v1/users/999999/suspension", json={"reason": "x"}, headers=headers).status_code == 404
    member_headers = api_token(member)
    created = client.post(f"/api/v1/users/{member.id}/suspension", json={"reason": "Beleidigungen", "until": "2999-01-01"},
                          headers=headers)
    assert created.status_code == 201 and created.get_json()["until"].startswith("2999-01-01")
    db.session.expire_all()
    assert client.get("/api/v1/me", headers=member_headers).status_code == 200  # may still read
    renamed = client.patch("/api/v1/me", json={"name": "Neuer Name"}, headers=member_headers)
    assert renamed.status_code == 403 and "gesperrt" in renamed.get_json()["error"]["message"]
    assert client.patch("/api/v1/me", json={"language": "en"}, headers=member_headers).status_code == 200
    posted = client.post("/api/v1/proposals", json={"title": "Gesperrt", "body": "Text"}, headers=member_headers)
    assert posted.status_code == 403 and posted.get_json()["error"]["code"] == "suspended"
    assert client.delete(f"/api/v1/users/{member.id}/suspension", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/users/{member.id}/suspension", headers=headers).status_code == 409


def test_a_suspended_managing_director_has_no_office_powers(client, api_token, make_user, make_proposal):
    director, other_director, member = make_user(role="managing_director"), make_user(role="managing_director"), make_user()
    proposal = make_proposal()
    headers = api_token(director)
    assert client.post(f"/api/v1/users/{director.id}/suspension", json={"reason": "Missbrauch"},
                       headers=api_token(other_director)).status_code == 201
    db.session.expire_all()
    for method, url, body in (("post", f"/api/v1/users/{member.id}/suspension", {"reason": "x"}),
                              ("delete", f"/api/v1/users/{director.id}/suspension", None),
                              ("post", f"/api/v1/moderation/proposal/{proposal.id}/hide", {"reason": "x"}),
                              ("post", "/api/v1/councils", {"name": "Schattenbeirat", "visibility": "private"}),
                              ("get", "/api/v1/audit", None)):
        answer = getattr(client, method)(url, json=body, headers=headers)
        assert answer.status_code == 403, (method, url, answer.get_json())
    assert db.session.get(Proposal, proposal.id).hidden_at is None


def test_audit_api_filters_and_pages(client, api_token, make_user):
    admin, md, member = make_user(role="admin"), make_user(role="managing_director"), make_user()
    headers = api_token(admin)
    md_headers = api_token(md)
    client.post(f"/api/v1/users/{member.id}/suspension", json={"reason": "Grund"}, headers=md_headers)
    client.delete(f"/api/v1/users/{member.id}/suspension", headers=md_headers)
    everything = client.get("/api/v1/audit?per_page=1", headers=headers).get_json()
    assert everything["total"] == 2 and len(everything["items"]) == 1
    assert everything["items"][0]["action"] == "user.unsuspend"
    only = client.get("/api/v1/audit?action=user.suspend", headers=headers).get_json()["items"]
    assert [(e["actor_id"], e["target_id"], e["reason"]) for e in only] == [(md.id, member.id, "Grund")]
    assert client.get(f"/api/v1/audit?actor={admin.id}", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/audit?from=2000-01-01&to=2000-01-31", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/audit?from=gestern", headers=headers).status_code == 400
    assert client.get("/api/v1/audit?actor=x", headers=headers).status_code == 400
    assert client.get("/api/v1/audit", headers=api_token(make_user(role="chair"))).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
