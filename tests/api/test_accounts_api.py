"""API: tokens, /me, error shape, CSRF for cookie writes (the OpenAPI description: test_openapi.py)."""
import pytest

from tests.conftest import PASSWORD


def test_token_me_and_revoke(client, make_user, make_council):
    user = make_user(stakeholder="business", organisation="Stadtwerke")
    council = make_council(moderators=[user])
    headers = {"Authorization": "Bearer " + client.post(
        "/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["id"] == user.id and me["organisation"] == "Stadtwerke" and me["verified"] is True
    assert me["councils"] == [{"slug": council.slug, "role": "moderator"}]
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401 and after.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("body, status, code", [
    ({"email": "x@example.org", "password": "falsch-falsch"}, 401, "invalid_credentials"),
    ({"email": "x@example.org"}, 422, "missing_field"),
    ({"email": 5, "password": "x"}, 422, "invalid_field"),
    ([1, 2], 400, "invalid_json"),
])
def test_token_errors(client, body, status, code):
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_malformed_json(client):
    response = client.post("/api/v1/tokens", data="{nope", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_unknown_and_wrong_password_same_answer(client, make_user):
    user = make_user()
    a = client.post("/api/v1/tokens", json={"email": user.email, "password": "falsch-falsch"})
    b = client.post("/api/v1/tokens", json={"email": "niemand@example.org", "password": "falsch-falsch"})
    assert a.status_code == b.status_code == 401 and a.get_json() == b.get_json()


def test_cookie_authenticated_api_write_needs_csrf_header(csrf_app, make_user):
    client = csrf_app.test_client()
    user = make_user()
    login_page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    # a new session on login means a new CSRF token: take it from a page
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/profile").get_data(as_text=True)).group(1)
    without = client.delete("/api/v1/tokens/current")
    assert without.status_code == 400 and without.get_json()["error"]["code"] == "csrf_failed"
    with_header = client.delete("/api/v1/tokens/current", headers={"X-CSRFToken": token})
    assert with_header.status_code == 400 and with_header.get_json()["error"]["code"] == "no_token"


def test_bearer_write_needs_no_csrf(csrf_app, make_user):
    client = csrf_app.test_client()
    user = make_user()
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    assert client.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {token}"}).status_code == 204


def test_bearer_token_does_not_authenticate_pages(client, make_user, api_token):
    headers = api_token(make_user())
    assert client.get("/profile", headers=headers).status_code == 302
