"""Account recovery (/password/forgot, /password/reset/<token>), the profile's token list, and
sessions that end on the server."""
from __future__ import annotations

import re
import time

from tests.conftest import PASSWORD, extract_link, mail_text


def _ask(client, email, **kwargs):
    return client.post("/password/forgot", data={"email": email}, **kwargs)


def test_the_login_page_links_to_the_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    assert client.get("/password/forgot").status_code == 200


def test_the_answer_is_the_same_for_unknown_addresses_and_only_accounts_get_mail(app, client, make_user, outbox):
    user = make_user(email="erika@example.org")
    known = _ask(client, "Erika@Example.org")
    unknown = _ask(client, "niemand@example.org")
    assert known.status_code == unknown.status_code == 200
    # the CSRF tokens (meta and hidden fields) carry their time of signing, which may differ by a second
    strip = lambda r: re.sub(r'(content|name="csrf_token" value)="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(known) == strip(unknown)
    mails = outbox()
    assert len(mails) == 1 and "To: erika@example.org" in mails[0]
    assert user.email in mails[0]


def test_the_link_is_built_on_the_base_url_never_on_the_host_header(app, client, make_user, outbox):
    app.config["BASE_URL"] = "https://forum.braunschweig.example"
    make_user(email="erika@example.org")
    _ask(client, "erika@example.org", headers={"Host": "evil.example"})
    text = mail_text(outbox()[-1])
    assert "https://forum.braunschweig.example/password/reset/" in text and "evil.example" not in text


def test_a_reset_works_once_and_ends_every_session_and_token(app, client, make_user, outbox):
    user = make_user(email="erika@example.org")
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    _ask(client, user.email)
    link = extract_link(outbox()[-1], "/password/reset/")
    assert client.get(link).status_code == 200
    mismatch = client.post(link, data={"new": "neues-passwort", "confirm": "anderes-passwort"})
    assert mismatch.status_code == 422 and "stimmen nicht überein" in mismatch.get_data(as_text=True)
    done = client.post(link, data={"new": "neues-passwort", "confirm": "neues-passwort"})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert browser.get("/profile").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = client.post(link, data={"new": "noch-ein-passwort", "confirm": "noch-ein-passwort"})
    assert again.status_code == 400 and "schon benutzt" in again.get_data(as_text=True)
    assert client.post("/login", data={"email": user.email, "password": "neues-passwort"}).status_code == 302


def test_a_link_older_than_an_hour_is_refused(app, client, make_user, monkeypatch):
    from forum.accounts import services

    user = make_user()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3601)
    with app.test_request_context():
        token = services.reset_token(user)
    monkeypatch.setattr(time, "time", real)
    answer = client.post(f"/password/reset/{token}", data={"new": "neues-passwort", "confirm": "neues-passwort"})
    assert answer.status_code == 400 and "abgelaufen" in answer.get_data(as_text=True)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_tampered_or_foreign_link_is_refused(client, make_user, outbox):
    anna = make_user()
    make_user()
    _ask(client, anna.email)
    link = extract_link(outbox()[-1], "/password/reset/")
    assert client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB")).status_code == 400
    assert client.get("/password/reset/" + "x" * 600).status_code == 400


def test_a_password_change_elsewhere_kills_an_open_link(client, make_user, outbox, login):
    user = make_user()
    _ask(client, user.email)
    link = extract_link(outbox()[-1], "/password/reset/")
    login(user)
    client.post("/profile/password", data={"current": PASSWORD, "new": "geaendert-1", "confirm": "geaendert-1"})
    assert client.get(link).status_code == 400


def test_requests_are_limited_per_client_and_mails_per_address(app, client, make_user, outbox):
    app.config["PASSWORD_RESET_LIMIT"] = "4 per minute"
    app.config["PASSWORD_RESET_MAIL_LIMIT"] = "2 per hour"
    user = make_user()
    answers = [_ask(client, user.email).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 200]
    assert len([m for m in outbox() if "/password/reset/" in m]) == 2  # the same page, but no third mail
    limited = _ask(client, user.email)
    assert limited.status_code == 429
    assert _ask(client, user.email, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_a_reset_also_confirms_the_address(app, client, make_user, outbox):
    from forum.accounts.models import User
    from forum.extensions import db

    user = make_user(confirmed=False)
    db.session.commit()
    _ask(client, user.email)
    link = extract_link(outbox()[-1], "/password/reset/")
    client.post(link, data={"new": "neues-passwort", "confirm": "neues-passwort"})
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed


def test_the_profile_lists_tokens_and_revokes_one_or_all(client, make_user, login):
    user = make_user()
    first = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD,
                                                "label": "Sitzungs-App"}).get_json()["token"]
    second = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    login(user)
    page = client.get("/profile").get_data(as_text=True)
    assert "Sitzungs-App" in page and first[:8] in page and first not in page and second not in page
    token_id = int(re.search(r'/profile/tokens/(\d+)/revoke', page).group(1))
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    alive = [t for t in (first, second)
             if client.application.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {t}"}).status_code == 200]
    assert len(alive) == 1
    assert client.post("/profile/tokens/revoke-all").status_code == 302
    assert client.application.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {alive[0]}"}).status_code == 401
    assert "keine API-Tokens" in client.get("/profile").get_data(as_text=True)


def test_the_profile_password_form_ends_tokens_and_says_so_when_throttled(app, client, make_user, login):
    app.config["ACCOUNT_PASSWORD_LIMIT"] = "2 per 15 minutes"
    user = make_user()
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    login(user)
    ok = client.post("/profile/password", data={"current": PASSWORD, "new": "neues-passwort", "confirm": "neues-passwort"})
    assert ok.status_code == 302
    assert client.application.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    for _ in range(2):
        client.post("/profile/password", data={"current": "falsch-falsch", "new": "x" * 10, "confirm": "x" * 10})
    locked = client.post("/profile/password", data={"current": "neues-passwort", "new": "y" * 10, "confirm": "y" * 10})
    assert locked.status_code == 429 and "Zu viele falsche Passwörter" in locked.get_data(as_text=True)


def test_logout_ends_the_session_on_the_server(app, client, make_user, login):
    user = make_user()
    login(user)
    with client.session_transaction() as session:
        copied = dict(session)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    assert thief.get("/profile").status_code == 302
