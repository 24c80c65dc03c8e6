"""API /api/v1/meetings…: contract shapes, the permission table, input errors, live announcement, OpenAPI."""
from dataclasses import dataclass
from typing import Callable

import pytest

from forum.extensions import db
from forum.meetings.models import Meeting
from tests.conftest import ACTORS, representatives

MANAGERS = {"managing_director", "admin"}
EDITORS = MANAGERS | {"moderator"}
READERS = {"council_member", "moderator", "managing_director", "chair", "admin"}
NEW = {"title": "Sitzung des Fachbeirats Mobilität", "starts_at": "2030-05-04T18:00:00+02:00",
       "ends_at": "2030-05-04T20:00:00+02:00", "location": "Rathaus",
       "items": [{"title": "Begrüßung", "duration_minutes": 10}, {"title": "Handy-Parken", "description": "*neu*"}]}


@pytest.fixture
def as_user(api_token):
    return lambda user: api_token(user) if user is not None else {}


def test_list_shows_published_meetings_with_contract_shape(client, make_council, make_meeting, make_proposal):
    private = make_council(visibility="private")
    secret, shown = make_proposal(council=private), make_proposal()
    meeting = make_meeting("Forum", proposals=[secret, shown])
    make_meeting("Board", council=private), make_meeting("Entwurf", status="draft")
    body = client.get("/api/v1/meetings").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    [item] = body["items"]
    assert item["id"] == meeting.id and item["status"] == "published" and item["current_item_id"] is None
    assert item["kind"] == "forum" and item["council"] is None
    first = item["items"][0]
    assert {"id", "position", "title", "duration_minutes", "proposal_ids"} <= set(first)
    assert first["position"] == 1 and first["duration_minutes"] == 15 and first["proposal_ids"] == [shown.id]
    assert item["starts_at"].endswith("Z")


def test_filters(client, make_council, make_meeting):
    council = make_council()
    make_meeting("Kommend", council=council), make_meeting("Vorbei", days=-5), make_meeting("Forum")
    titles = lambda q: [m["title"] for m in client.get(f"/api/v1/meetings{q}").get_json()["items"]]  # noqa: E731
    assert titles(f"?council={council.slug}") == ["Kommend"]
    assert titles("?upcoming=false") == ["Vorbei"]
    assert set(titles("?upcoming=true")) == {"Kommend", "Forum"}
    assert client.get("/api/v1/meetings?status=unsinn").status_code == 400
    assert client.get("/api/v1/meetings?upcoming=vielleicht").status_code == 400
    assert client.get("/api/v1/meetings?council=gibt-es-nicht").status_code == 404
    assert client.get("/api/v1/meetings?per_page=100").get_json()["per_page"] == 100
    too_many = client.get("/api/v1/meetings?per_page=1000")  # the document says at most 100
    assert too_many.status_code == 400 and too_many.get_json()["error"]["code"] == "invalid_pagination"


def test_private_meeting_is_404_with_error_body(client, make_council, make_meeting):
    meeting = make_meeting(council=make_council(visibility="private"))
    response = client.get(f"/api/v1/meetings/{meeting.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "meeting_not_found"


def test_create_publish_and_run(client, api_token, make_user, make_council, outbox, monkeypatch):
    sent = []
    monkeypatch.setattr("forum.meetings.live.emit_to_room", lambda *args: sent.append(args))
    director, member = make_user(role="managing_director"), make_user()
    council = make_council(members=[member])
    headers = api_token(director)
    created = client.post("/api/v1/meetings", json={**NEW, "council": council.slug}, headers=headers)
    assert created.status_code == 201, created.get_json()
    meeting = created.get_json()
    assert meeting["status"] == "draft" and meeting["council"]["slug"] == council.slug
    assert meeting["starts_at"] == "2030-05-04T16:00:00Z"
    assert [(i["position"], i["title"]) for i in meeting["items"]] == [(1, "Begrüßung"), (2, "Handy-Parken")]
    assert meeting["items"][1]["description_html"] == "<p><em>neu</em></p>"
    published = client.post(f"/api/v1/meetings/{meeting['id']}/publish", headers=headers).get_json()
    assert published["status"] == "published" and published["notified"] == 1
    assert any(member.email in mail for mail in outbox())
    second = meeting["items"][1]["id"]
    live = client.put(f"/api/v1/meetings/{meeting['id']}/current-item", json={"item_id": second}, headers=headers)
    assert live.status_code == 200 and live.get_json()["status"] == "live"
    assert live.get_json()["current_item_id"] == second
    assert sent == [(f"meeting:{meeting['id']}", "agenda", {"meeting_id": meeting["id"], "current_item_id": second, "status": "live"})]
    public = client.get(f"/api/v1/meetings/{meeting['id']}").get_json()
    assert public["status"] == "live" and public["current_item_id"] == second


def test_revisions_through_the_api(client, api_token, make_user, make_meeting):
    meeting = make_meeting()
    headers = api_token(make_user(role="managing_director"))
    added = client.post(f"/api/v1/meetings/{meeting.id}/items", json={"title": "WLAN in der Innenstadt",
                                                                     "position": 1}, headers=headers)
    assert added.status_code == 201 and added.get_json()["items"][0]["title"] == "WLAN in der Innenstadt"
    ids = [i["id"] for i in added.get_json()["items"]]
    reordered = client.put(f"/api/v1/meetings/{meeting.id}/items/order", json={"item_ids": ids[::-1]}, headers=headers)
    assert [i["id"] for i in reordered.get_json()["items"]] == ids[::-1]
    patched = client.patch(f"/api/v1/meetings/{meeting.id}", json={"location": "Haus der Wissenschaft"},
                           headers=headers).get_json()
    summaries = [r["summary"] for r in patched["revisions"]]
    assert summaries[-1] == "TOP 1 hinzugefügt: WLAN in der Innenstadt"
    assert summaries[0] == "Ort geändert auf „Haus der Wissenschaft“" and patched["sequence"] == 3
    removed = client.delete(f"/api/v1/meetings/{meeting.id}/items/{ids[0]}", headers=headers).get_json()
    assert len(removed["items"]) == 2 and removed["revisions"][0]["summary"].startswith("TOP 3 entfernt")


def test_minutes_through_the_api(client, api_token, make_user, make_meeting):
    meeting = make_meeting()
    headers = api_token(make_user(role="managing_director"))
    first = meeting.items[0].id
    body = client.put(f"/api/v1/meetings/{meeting.id}/minutes", headers=headers, json={
        "minutes": "Alles **gut**.", "attendance_count": 12, "organisations": ["TU Braunschweig"],
        "outcomes": [{"item_id": first, "outcome": "Angenommen"}]}).get_json()
    assert body["status"] == "ended" and body["minutes"]["attendance_count"] == 12
    assert body["minutes"]["organisations"] == ["TU Braunschweig"] and "<strong>gut</strong>" in body["minutes"]["html"]
    assert body["items"][0]["outcome_html"] == "<p>Angenommen</p>"


@pytest.mark.parametrize("payload, status, code", [
    ({**NEW, "starts_at": "2030-05-04T18:00:00"}, 422, "missing_offset"),
    ({**NEW, "starts_at": "morgen"}, 422, "invalid_field"),
    ({**NEW, "ends_at": "2030-05-04T17:00:00+02:00"}, 422, "invalid_times"),
    ({**NEW, "title": "x" * 201}, 422, "too_long"),
    ({**NEW, "title": 5}, 422, "invalid_field"),
    ({**NEW, "wetter": "gut"}, 422, "unknown_field"),
    ({**NEW, "items": [{"title": "A", "duration_minutes": 0}]}, 422, "invalid_duration"),
    ({**NEW, "items": [{"title": "A", "duration_minutes": True}]}, 422, "invalid_field"),
    ({**NEW, "items": [{"title": "A", "proposal_ids": [999999]}]}, 422, "unknown_proposal"),
    ({**NEW, "items": [{"title": "A", "proposal_ids": ["1"]}]}, 422, "invalid_proposals"),
    ({**NEW, "items": ["A"]}, 422, "invalid_item"),
    ({**NEW, "items": [{"title": "A"}] * 51}, 422, "too_many_items"),
    ({**NEW, "online_url": "javascript:alert(1)"}, 422, "invalid_url"),
    ({**NEW, "council": "gibt-es-nicht"}, 404, "not_found"),
    ([1, 2], 400, "invalid_json"),
])
def test_bad_input_is_a_clear_4xx(client, api_token, make_user, payload, status, code):
    response = client.post("/api/v1/meetings", json=payload, headers=api_token(make_user(role="managing_director")))
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert db.session.query(Meeting).count() == 0


def test_item_of_another_meeting_is_refused(client, api_token, make_user, make_meeting):
    meeting, other = make_meeting(), make_meeting()
    headers = api_token(make_user(role="managing_director"))
    response = client.put(f"/api/v1/meetings/{meeting.id}/current-item", json={"item_id": other.items[0].id},
                          headers=headers)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "unknown_item"
    assert client.put(f"/api/v1/meetings/{meeting.id}/current-item", json={"item_id": "1"},
                      headers=headers).status_code == 422
    draft = make_meeting(status="draft")
    assert client.put(f"/api/v1/meetings/{draft.id}/current-item", json={"item_id": draft.items[0].id},
                      headers=headers).status_code == 409


@dataclass
class Case:
    request: Callable
    expect: Callable
    visibility: str = "public"
    status: str = "published"
    council_meeting: bool = True


def signed_in(rule):
    return lambda role: 401 if role == "anonymous" else rule(role)


CASES = {
    "read published": Case(lambda c, h, m, k: c.get(f"/api/v1/meetings/{m.id}", headers=h), lambda r: 200),
    "read private": Case(lambda c, h, m, k: c.get(f"/api/v1/meetings/{m.id}", headers=h),
                         lambda r: 200 if r in READERS else 404, visibility="private"),
    "list private": Case(lambda c, h, m, k: c.get(f"/api/v1/meetings?council={k.slug}", headers=h),
                         lambda r: 200 if r in READERS else 404, visibility="private"),
    "read council draft": Case(lambda c, h, m, k: c.get(f"/api/v1/meetings/{m.id}", headers=h),
                               lambda r: 200 if r in EDITORS else 404, status="draft"),
    "create forum meeting": Case(lambda c, h, m, k: c.post("/api/v1/meetings", json=NEW, headers=h),
                                 signed_in(lambda r: 201 if r in MANAGERS else 403)),
    "create council draft": Case(
        lambda c, h, m, k: c.post("/api/v1/meetings", json={**NEW, "council": k.slug}, headers=h),
        signed_in(lambda r: 201 if r in EDITORS else 403)),
    "create private council draft": Case(
        lambda c, h, m, k: c.post("/api/v1/meetings", json={**NEW, "council": k.slug}, headers=h),
        signed_in(lambda r: 201 if r in EDITORS else (403 if r in READERS else 404)), visibility="private"),
    "edit council draft": Case(lambda c, h, m, k: c.patch(f"/api/v1/meetings/{m.id}", json={"title": "Neu"}, headers=h),
                               signed_in(lambda r: 200 if r in EDITORS else 404), status="draft"),
    "edit published": Case(lambda c, h, m, k: c.patch(f"/api/v1/meetings/{m.id}", json={"title": "Neu"}, headers=h),
                           signed_in(lambda r: 200 if r in MANAGERS else 403)),
    "publish council draft": Case(lambda c, h, m, k: c.post(f"/api/v1/meetings/{m.id}/publish", headers=h),
                                  signed_in(lambda r: 200 if r in MANAGERS else (403 if r == "moderator" else 404)),
                                  status="draft"),
    "current item": Case(lambda c, h, m, k: c.put(f"/api/v1/meetings/{m.id}/current-item",
                                                  json={"item_id": m.items[0].id}, headers=h),
                         signed_in(lambda r: 200 if r in MANAGERS else 403)),
    "current item, private": Case(lambda c, h, m, k: c.put(f"/api/v1/meetings/{m.id}/current-item",
                                                           json={"item_id": m.items[0].id}, headers=h),
                                  signed_in(lambda r: 200 if r in MANAGERS else (403 if r in READERS else 404)),
                                  visibility="private"),
    "minutes": Case(lambda c, h, m, k: c.put(f"/api/v1/meetings/{m.id}/minutes", json={"minutes": "x"}, headers=h),
                    signed_in(lambda r: 200 if r in MANAGERS else 403)),
    "delete council draft": Case(lambda c, h, m, k: c.delete(f"/api/v1/meetings/{m.id}", headers=h),
                                 signed_in(lambda r: 204 if r in EDITORS else 404), status="draft"),
    "follow": Case(lambda c, h, m, k: c.put(f"/api/v1/meetings/{m.id}/follow", headers=h), signed_in(lambda r: 200)),
}


# Over HTTP every distinct answer of each case (the first and the last actor of each); the whole
# table is asked of the predicates in tests/meetings/test_permissions.py.
HTTP_CASES = [(case, role) for case, spec in CASES.items() for role in representatives(spec.expect, list(ACTORS))]


@pytest.mark.parametrize("case, role", HTTP_CASES)
def test_permission_table(case, role, client, as_user, make_actor, make_council, make_meeting, monkeypatch):
    monkeypatch.setattr("forum.meetings.live.emit_to_room", lambda *args: None)
    spec = CASES[case]
    council = make_council(visibility=spec.visibility)
    user = make_actor(role, council)
    meeting = make_meeting("Tagung XY", council=council if spec.council_meeting else None, status=spec.status)
    response = spec.request(client, as_user(user), meeting, council)
    assert response.status_code == spec.expect(role), response.get_json()
    if response.status_code >= 400:
        body = response.get_json()
        assert set(body["error"]) == {"code", "message"} and "Tagung XY" not in response.get_data(as_text=True)


def test_cookie_writes_need_the_csrf_header(csrf_app, client, make_user, make_meeting):
    meeting = make_meeting(status="draft")
    director = make_user(role="managing_director")
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"email": director.email, "password": "richtig-geheim", "csrf_token": token})
    page = client.get("/meetings").get_data(as_text=True)  # the session is new after login: so is the token
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post(f"/api/v1/meetings/{meeting.id}/publish").status_code == 400
    assert client.post(f"/api/v1/meetings/{meeting.id}/publish", headers={"X-CSRFToken": token}).status_code == 200


def test_every_meeting_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/meetings"):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        assert path in spec["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (method, path)
    post = spec["paths"]["/meetings"]["post"]
    assert "missing_offset" in post["requestBody"]["content"]["application/json"]["schema"]["properties"]["starts_at"]["description"]


def test_drafts_are_listed_only_for_their_editors(client, api_token, make_user, make_council, make_meeting):
    moderator = make_user()
    council = make_council(moderators=[moderator])
    make_meeting("Entwurf A", council=council, status="draft"), make_meeting("Forum-Entwurf", status="draft")
    titles = lambda headers: [m["title"] for m in client.get("/api/v1/meetings?status=draft",  # noqa: E731
                                                              headers=headers).get_json()["items"]]
    assert titles({}) == [] and titles(api_token(make_user())) == []
    assert titles(api_token(moderator)) == ["Entwurf A"]
    assert sorted(titles(api_token(make_user(role="managing_director")))) == ["Entwurf A", "Forum-Entwurf"]
    assert client.get("/api/v1/meetings").get_json()["total"] == 0
