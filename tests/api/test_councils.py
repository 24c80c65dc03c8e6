"""The councils API: the permission table, shapes from CONTRACT.md, validation, slugs."""
import pytest
from sqlalchemy import select

from forum.councils.models import Council, JoinRequest
from forum.extensions import db
from tests.conftest import ACTORS, mail_text
from tests.councils.table import BY_NAME, build_world, check_effect, http_cases, remember_members

API = "/api/v1/councils"


def api_call(name, client, w, headers):
    base = f"{API}/{w.council.slug}"
    if name in ("view_public_council", "view_private_council"):
        return client.get(base, headers=headers)
    if name == "found_council":
        return client.post(API, json={"name": "Fachbeirat Neu", "description": "", "visibility": "public"},
                           headers=headers)
    if name == "edit_council":
        return client.patch(base, json={"mandate": "Neuer Auftrag"}, headers=headers)
    if name == "archive_council":
        return client.post(f"{base}/archive", headers=headers)
    if name == "view_members":
        return client.get(f"{base}/members", headers=headers)
    if name in ("appoint_member", "appoint_moderator"):
        role = "member" if name == "appoint_member" else "moderator"
        return client.post(f"{base}/members", json={"user_id": w.newcomer.id, "role": role}, headers=headers)
    if name == "promote_member":
        return client.post(f"{base}/members", json={"user_id": w.member.id, "role": "moderator"}, headers=headers)
    if name == "remove_member":
        return client.delete(f"{base}/members/{w.member.id}", headers=headers)
    if name == "remove_moderator":
        return client.delete(f"{base}/members/{w.co_moderator.id}", headers=headers)
    if name == "join_open_council":
        return client.post(f"{base}/join", headers=headers)
    if name == "request_to_join":
        return client.post(f"{base}/join-requests", json={"message": "Ich möchte mitarbeiten."}, headers=headers)
    if name == "leave":
        return client.delete(f"{base}/join", headers=headers)
    rid = w.join_request.id
    if name == "decline_request":
        return client.post(f"{base}/join-requests/{rid}/decision", json={"decision": "decline", "reason": "Nein"},
                           headers=headers)
    if name == "accept_request":
        return client.post(f"{base}/join-requests/{rid}/decision", json={"decision": "accept"}, headers=headers)
    raise AssertionError(name)


def outcome(response):
    if 200 <= response.status_code < 300:
        return "ok"
    body = response.get_json()
    assert set(body["error"]) == {"code", "message"}
    return "login" if response.status_code == 401 else response.status_code


@pytest.mark.parametrize("action_name, kind", http_cases(ACTORS))
def test_permission_table(action_name, kind, client, api_token, make_user, make_council, make_actor):
    action = BY_NAME[action_name]
    world = build_world(action, make_user, make_council)
    actor = make_actor(kind, world.council)
    remember_members(world)
    headers = api_token(actor) if actor is not None else {}
    response = api_call(action_name, client, world, headers)
    expected = action.expected(kind)
    assert outcome(response) == expected, response.get_data(as_text=True)[:400]
    if expected == 404:
        assert world.council.name not in response.get_data(as_text=True)
    check_effect(action, world, actor, expected == "ok")


def test_create_answers_slug_and_detail_shape(client, api_token, make_user):
    headers = api_token(make_user(role="managing_director"))
    response = client.post(API, headers=headers, json={
        "name": "Fachbeirat Bürgerdienste & Öffentlichkeit", "description": "Dienste **online**",
        "visibility": "public", "mandate": "Online-Dienste", "join_policy": "request"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["slug"] == "fachbeirat-buergerdienste-oeffentlichkeit"
    assert response.headers["Location"].endswith(f"/councils/{body['slug']}")
    assert body["description_html"] == "<p>Dienste <strong>online</strong></p>"
    assert body["members_count"] == 0 and body["moderators"] == []
    assert body["members_by_stakeholder"] == {"citizen": 0, "business": 0, "research": 0, "culture": 0,
                                              "association": 0}
    again = client.post(API, headers=headers, json={"name": "Fachbeirat Bürgerdienste & Öffentlichkeit",
                                                    "description": "", "visibility": "private"})
    assert again.get_json()["slug"] == "fachbeirat-buergerdienste-oeffentlichkeit-2"


def test_reserved_slug_new_is_skipped(client, api_token, make_user):
    headers = api_token(make_user(role="admin"))
    body = client.post(API, headers=headers, json={"name": "New", "description": "", "visibility": "public"}).get_json()
    assert body["slug"] == "new-2"
    assert client.get("/councils/new-2").status_code == 200


@pytest.mark.parametrize("payload, status, code", [
    ({"description": "", "visibility": "public"}, 422, "missing_field"),
    ({"name": "Fachbeirat", "description": "", "visibility": "geheim"}, 422, "invalid_visibility"),
    ({"name": "Fachbeirat", "description": "", "visibility": "public", "join_policy": "sometimes"}, 422,
     "invalid_join_policy"),
    ({"name": "ab", "description": "", "visibility": "public"}, 422, "invalid_name"),
    ({"name": "x" * 500, "description": "", "visibility": "public"}, 422, "too_long"),
    ({"name": 7, "description": "", "visibility": "public"}, 422, "invalid_field"),
    ({"name": "Fachbeirat", "description": "", "visibility": "public", "colour": "blau"}, 422, "unknown_field"),
    ({"name": "Fach\x00beirat", "description": "", "visibility": "public"}, 422, "invalid_field"),
])
def test_create_rejects_bad_input(client, api_token, make_user, payload, status, code):
    response = client.post(API, headers=api_token(make_user(role="chair")), json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_malformed_json_is_400(client, api_token, make_user):
    headers = {**api_token(make_user(role="chair")), "Content-Type": "application/json"}
    response = client.post(API, headers=headers, data="{nope")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_list_is_paginated_and_counts_only_visible(client, api_token, make_user, make_council):
    member = make_user()
    for n in range(3):
        make_council(f"Fachbeirat {n}")
    make_council("Board", visibility="private", members=[member])
    anonymous = client.get(f"{API}?per_page=2").get_json()
    assert anonymous["total"] == 3 and len(anonymous["items"]) == 2 and anonymous["per_page"] == 2
    assert set(anonymous["items"][0]) == {"slug", "name", "mandate", "visibility", "join_policy", "archived",
                                          "members_count"}
    mine = client.get(f"{API}?per_page=100", headers=api_token(member)).get_json()
    assert mine["total"] == 4 and "Board" in [c["name"] for c in mine["items"]]
    assert client.get(f"{API}?page=x").status_code == 400
    assert client.get(f"{API}?archived=maybe").status_code == 400


def test_detail_shows_moderators_counts_and_viewer(client, api_token, make_user, make_council):
    moderator = make_user(name="Ole Petersen", stakeholder="association", organisation="Freifunk")
    citizen = make_user()
    council = make_council(members=[citizen], moderators=[moderator])
    body = client.get(f"{API}/{council.slug}").get_json()
    assert body["members_count"] == 2
    assert body["moderators"] == [{"id": moderator.id, "name": "Ole Petersen", "stakeholder": "association"}]
    assert body["members_by_stakeholder"]["citizen"] == 1 and body["members_by_stakeholder"]["association"] == 1
    assert body["viewer"]["role"] is None and body["viewer"]["can_join"] is False
    mine = client.get(f"{API}/{council.slug}", headers=api_token(citizen)).get_json()
    assert mine["viewer"]["role"] == "member" and mine["viewer"]["can_leave"] is True


def test_request_flow_with_reason_visible_to_the_person(client, api_token, make_user, make_council, outbox):
    moderator, person = make_user(), make_user()
    council = make_council(join_policy="request", moderators=[moderator])
    mine = api_token(person)
    created = client.post(f"{API}/{council.slug}/join-requests", headers=mine, json={"message": "Hallo"})
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    assert client.post(f"{API}/{council.slug}/join-requests", headers=mine).status_code == 409
    assert client.post(f"{API}/{council.slug}/join", headers=mine).get_json()["error"]["code"] == "request_required"
    mod = api_token(moderator)
    queue = client.get(f"{API}/{council.slug}/join-requests", headers=mod).get_json()
    assert queue["total"] == 1 and queue["items"][0]["message"] == "Hallo"
    rid = queue["items"][0]["id"]
    no_reason = client.post(f"{API}/{council.slug}/join-requests/{rid}/decision", headers=mod,
                            json={"decision": "decline"})
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["code"] == "reason_required"
    declined = client.post(f"{API}/{council.slug}/join-requests/{rid}/decision", headers=mod,
                           json={"decision": "decline", "reason": "Erst im Plenum vorstellen."})
    assert declined.status_code == 200 and declined.get_json()["decided_by"]["id"] == moderator.id
    seen = client.get(f"{API}/{council.slug}", headers=mine).get_json()["viewer"]
    assert seen["request"]["status"] == "declined" and seen["request"]["reason"] == "Erst im Plenum vorstellen."
    assert seen["can_request"] is True
    assert "Erst im Plenum vorstellen." in mail_text(outbox()[-1])
    assert client.post(f"{API}/{council.slug}/join-requests/{rid}/decision", headers=mod,
                       json={"decision": "accept"}).status_code == 409


def test_withdraw_own_request_only(client, api_token, make_user, make_council):
    person, stranger = make_user(), make_user()
    council = make_council(join_policy="request")
    rid = client.post(f"{API}/{council.slug}/join-requests", headers=api_token(person)).get_json()["id"]
    assert client.delete(f"{API}/{council.slug}/join-requests/{rid}", headers=api_token(stranger)).status_code == 404
    assert client.delete(f"{API}/{council.slug}/join-requests/{rid}", headers=api_token(person)).status_code == 204
    assert db.session.scalar(select(JoinRequest.id)) is None


def test_appoint_changes_role_and_validates(client, api_token, make_user, make_council):
    person = make_user()
    council = make_council()
    headers = api_token(make_user(role="chair"))
    url = f"{API}/{council.slug}/members"
    assert client.post(url, headers=headers, json={"user_id": person.id}).status_code == 201
    again = client.post(url, headers=headers, json={"user_id": person.id, "role": "moderator"})
    assert again.status_code == 200 and again.get_json()["role"] == "moderator"
    assert client.post(url, headers=headers, json={"user_id": 999999, "role": "member"}).status_code == 422
    assert client.post(url, headers=headers, json={"user_id": 10**30}).status_code == 422
    assert client.post(url, headers=headers, json={"user_id": person.id, "role": "boss"}).status_code == 422
    assert client.post(url, headers=headers, json={"user_id": "1"}).status_code == 422
    members = client.get(url, headers=headers).get_json()
    assert members["total"] == 1 and members["items"][0]["role"] == "moderator"
    db.session.expire_all()
    assert db.session.get(Council, council.id).members_count == 1


def test_archived_council_refuses_changes(client, api_token, make_user, make_council):
    council = make_council(join_policy="open")
    staff = api_token(make_user(role="managing_director"))
    assert client.post(f"{API}/{council.slug}/archive", headers=staff).get_json()["archived"] is True
    assert client.post(f"{API}/{council.slug}/archive", headers=staff).status_code == 409
    assert client.patch(f"{API}/{council.slug}", headers=staff, json={"name": "Neu"}).status_code == 409
    assert client.post(f"{API}/{council.slug}/members", headers=staff,
                       json={"user_id": make_user().id}).status_code == 409
    assert client.post(f"{API}/{council.slug}/join", headers=api_token(make_user())).status_code == 409
    assert client.get(f"{API}/{council.slug}").status_code == 200
    assert client.get(f"{API}?archived=true").get_json()["total"] == 1
    assert client.delete(f"{API}/{council.slug}/archive", headers=staff).get_json()["archived"] is False


def test_cookie_writes_need_csrf_header(csrf_app, make_user, make_council):
    client = csrf_app.test_client()
    person = make_user()
    council = make_council()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"email": person.email, "password": "richtig-geheim", "csrf_token": token})
    page = client.get("/councils").get_data(as_text=True)  # a fresh session on login: a fresh token
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post(f"{API}/{council.slug}/join").status_code == 400
    assert client.post(f"{API}/{council.slug}/join", headers={"X-CSRFToken": token}).status_code == 201


def test_openapi_documents_council_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/councils", "/councils/{slug}", "/councils/{slug}/members", "/councils/{slug}/members/{user_id}",
                 "/councils/{slug}/join", "/councils/{slug}/join-requests",
                 "/councils/{slug}/join-requests/{request_id}/decision", "/councils/{slug}/archive"):
        assert path in paths
    assert set(paths["/councils"]) == {"get", "post"}
