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



def _signed_in_with_csrf(client, user):
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/profile").get_data(as_text=True)).group(1)


def test_a_made_up_bearer_beside_a_session_cookie_neither_skips_csrf_nor_authenticates(csrf_app, make_user):
    from forum.extensions import db
    from forum.accounts.models import ApiToken

    client = csrf_app.test_client()
    user = make_user()
    _signed_in_with_csrf(client, user)
    client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    before = db.session.query(ApiToken).filter_by(user_id=user.id).count()
    bogus = {"Authorization": "Bearer erfunden"}
    for response in (client.delete("/api/v1/me/tokens", headers=bogus),
                     client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "x" * 10},
                                headers=bogus)):
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/me", headers=bogus).status_code == 401  # the cookie is not a fallback
    assert db.session.query(ApiToken).filter_by(user_id=user.id).count() == before
    assert client.delete("/api/v1/me/tokens").get_json()["error"]["code"] == "csrf_failed"  # the cookie alone: CSRF


def test_a_real_bearer_beside_a_session_cookie_is_judged_by_the_token(csrf_app, make_user):
    client = csrf_app.test_client()
    anna, ben = make_user(), make_user()
    token = csrf_app.test_client().post("/api/v1/tokens", json={"email": ben.email, "password": PASSWORD}).get_json()["token"]
    _signed_in_with_csrf(client, anna)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["id"] == ben.id
    assert client.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {token}"}).status_code == 204


def test_tokens_are_listed_without_their_secret_and_revoked_one_or_all(client, make_user):
    user, other = make_user(), make_user()
    first = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "label": "Ratsinfo-App"})
    second = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    foreign = client.post("/api/v1/tokens", json={"email": other.email, "password": PASSWORD}).get_json()["token"]
    first = first.get_json()["token"]
    headers = {"Authorization": f"Bearer {second}"}
    listing = client.get("/api/v1/me/tokens", headers=headers)
    assert listing.status_code == 200
    items = listing.get_json()["items"]
    assert [(t["label"], t["prefix"], t["current"]) for t in items] == [(None, second[:8], True),
                                                                        ("Ratsinfo-App", first[:8], False)]
    assert first not in listing.get_data(as_text=True) and second not in listing.get_data(as_text=True)
    assert items[0]["last_used_at"] is not None and items[1]["last_used_at"] is None
    foreign_id = client.get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {foreign}"}).get_json()["items"][0]["id"]
    refused = client.delete(f"/api/v1/me/tokens/{foreign_id}", headers=headers)
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"
    assert client.delete(f"/api/v1/me/tokens/{2**70}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/me/tokens/{items[1]['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert client.delete("/api/v1/me/tokens", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {foreign}"}).status_code == 200


def test_last_used_at_is_written_at_most_once_a_minute(app, client, make_user):
    from datetime import timedelta

    from forum.accounts import credentials
    from forum.accounts.models import ApiToken
    from forum.extensions import db

    user = make_user()
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    statements = []

    def count_writes(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            statements.append(statement)

    from sqlalchemy import event

    event.listen(db.engine, "before_cursor_execute", count_writes)
    try:
        for _ in range(5):
            assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert len(statements) == 1
        row = db.session.query(ApiToken).filter_by(user_id=user.id).one()
        row.last_used_at -= timedelta(minutes=2)  # a minute later
        db.session.commit()
        credentials.recent_touches().clear()  # … for this process too
        statements.clear()
        client.get("/api/v1/me", headers=headers)
        assert len(statements) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count_writes)


def test_password_change_over_the_api(client, make_user):
    user = make_user()
    used = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    other = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    browser = client.application.test_client()
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {used}"}
    wrong = client.put("/api/v1/me/password", json={"current_password": "falsch-falsch", "new_password": "neu-neu-neu"},
                       headers=headers)
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_password"
    weak = client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "kurz"}, headers=headers)
    assert weak.status_code == 422 and weak.get_json()["error"]["code"] == "weak_password"
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # nothing changed so far
    assert browser.get("/profile").status_code == 200
    ok = client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "neu-neu-neu"},
                    headers=headers)
    assert ok.status_code == 204
    for token in (used, other):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert browser.get("/profile").status_code == 302
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": "neu-neu-neu"}).status_code == 201


def test_password_change_over_the_api_with_the_cookie_keeps_that_session(client, make_user, login):
    user = make_user()
    other = client.application.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    login(user)
    response = client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "neu-neu-neu"})
    assert response.status_code == 204
    assert client.get("/api/v1/me").status_code == 200 and other.get("/api/v1/me").status_code == 401


def test_password_checks_are_limited_per_account_whatever_the_address(app, client, make_user):
    app.config["ACCOUNT_PASSWORD_LIMIT"] = "3 per 15 minutes"
    user, bystander = make_user(), make_user()
    for n in range(3):
        answer = client.post("/api/v1/tokens", json={"email": user.email, "password": "falsch-falsch"},
                             environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert answer.status_code == 401
    locked = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "rate_limited" and locked.get_json()["error"]["message"]
    # an unknown address is limited the same way: the 429 tells nobody whether an account exists
    for n in range(3):
        client.post("/api/v1/tokens", json={"email": "niemand@example.org", "password": "x"},
                    environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})
    assert client.post("/api/v1/tokens", json={"email": "niemand@example.org", "password": "x"}).status_code == 429
    assert client.post("/api/v1/tokens", json={"email": bystander.email, "password": PASSWORD}).status_code == 201
    page = client.post("/login", data={"email": user.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.0.0.98"})
    assert page.status_code == 429 and "Zu viele falsche Passwörter" in page.get_data(as_text=True)


def test_password_change_and_deletion_share_the_per_account_limit(app, client, make_user, api_token):
    app.config["ACCOUNT_PASSWORD_LIMIT"] = "2 per 15 minutes"
    user = make_user()
    headers = api_token(user)
    for _ in range(2):
        assert client.put("/api/v1/me/password", json={"current_password": "falsch-falsch", "new_password": "neu-neu-neu"},
                          headers=headers).status_code == 403
    locked = client.delete("/api/v1/me", json={"password": PASSWORD}, headers=headers)
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "rate_limited"
    again = client.put("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "neu-neu-neu"},
                       headers=headers)
    assert again.status_code == 429
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # nothing happened


def test_new_account_endpoints_are_described(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, method in (("/me/tokens", "get"), ("/me/tokens", "delete"), ("/me/tokens/{token_id}", "delete"),
                         ("/me/password", "put")):
        operation = spec["paths"][path][method]
        assert operation["operationId"] and operation["tags"] == ["Accounts"]
        for status, answer in operation["responses"].items():
            if status.startswith("4"):
                assert answer == {"$ref": "#/components/responses/Error"}


@pytest.mark.parametrize("label, status", [("Ratsinfo\u2028App", 422), ("Ratsinfo\x85App", 422), ("Tab\tApp", 422),
                                           ("x" * 81, 422), ("  Ratsinfo – App 📱  ", 201)])
def test_a_token_label_is_one_line_of_at_most_80_characters(client, make_user, label, status):
    user = make_user()
    answer = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "label": label})
    assert answer.status_code == status
    if status == 422:
        assert answer.get_json()["error"]["code"] in ("invalid_label", "too_long")
