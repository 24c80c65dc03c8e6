"""Registration, confirmation, login/logout, profile and verification over HTTP."""
import pytest

from tests.conftest import PASSWORD, extract_link


def register(client, **overrides):
    data = {"name": "Erika Muster", "email": "erika@example.org", "stakeholder": "citizen", "organisation": "",
            "password": "sicheres-passwort", "password_confirm": "sicheres-passwort"}
    data.update(overrides)
    return client.post("/register", data=data)


def test_register_citizen_confirms_by_link(client, outbox):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/sent")
    assert "Bitte prüfe dein Postfach" in client.get("/register/sent").get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # nobody is signed in before the confirmation
    link = extract_link(outbox()[-1], "/confirm/")
    assert client.get(link).status_code == 200  # GET only shows the button
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and "/login" in confirmed.headers["Location"]
    client.post("/login", data={"email": "erika@example.org", "password": "sicheres-passwort"})
    assert "bestätigt" in client.get("/profile").get_data(as_text=True)
    me = client.get("/api/v1/me").get_json()
    assert me["verified"] is True and me["stakeholder"] == "citizen"


def test_register_organisation_stays_pending(client, outbox):
    response = register(client, stakeholder="business", organisation="Stadtwerke")
    assert response.status_code == 302
    client.post(extract_link(outbox()[-1], "/confirm/"))
    client.post("/login", data={"email": "erika@example.org", "password": "sicheres-passwort"})
    page = client.get("/profile").get_data(as_text=True)
    assert "Verifizierung ausstehend" in page
    assert client.get("/api/v1/me").get_json()["verified"] is False


@pytest.mark.parametrize("overrides, message", [
    ({"stakeholder": "business", "organisation": ""}, "Organisation"),
    ({"password": "kurz", "password_confirm": "kurz"}, "Passwort"),
    ({"password_confirm": "anders-passwort"}, "stimmen nicht überein"),
    ({"email": "kein-at"}, "E-Mail"),
    ({"stakeholder": "alien"}, "Ich registriere mich als"),
])
def test_register_shows_what_is_wrong(client, overrides, message):
    response = register(client, **overrides)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte prüfe deine Eingaben" in page and message in page


def test_register_answers_the_same_for_a_taken_address_and_mails_its_owner(app, client, make_user, outbox):
    from forum.accounts.models import User
    from forum.extensions import db

    make_user(email="erika@example.org", name="Erika Echt")
    taken = register(client, email="Erika@Example.org")
    newcomer = app.test_client()
    fresh = register(newcomer, email="neu@example.org")
    assert (taken.status_code, taken.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert taken.get_data() == fresh.get_data()
    assert "bereits registriert" not in client.get(taken.headers["Location"]).get_data(as_text=True)
    assert newcomer.get("/profile").status_code == client.get("/profile").status_code == 302  # nobody signed in
    mails = outbox()
    note = next(m for m in mails if "erika@example.org" in m)
    assert "versucht" in note and "/password/forgot" in note
    assert db.session.query(User).filter_by(email="erika@example.org").one().name == "Erika Echt"  # nothing changed


def test_login_same_answer_for_unknown_and_wrong(client, make_user):
    user = make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "falsch-falsch"})
    unknown = client.post("/login", data={"email": "niemand@example.org", "password": "falsch-falsch"})
    assert wrong.status_code == unknown.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch." in wrong.get_data(as_text=True)
    assert "E-Mail-Adresse oder Passwort ist falsch." in unknown.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/profile", "/profile"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_follows_only_local_next(client, make_user, target, expected):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_renews_session_and_logout_is_post(client, make_user):
    user = make_user()
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/profile").status_code == 302


def test_login_rate_limited(client, make_user):
    user = make_user()
    statuses = [client.post("/login", data={"email": user.email, "password": "falsch-falsch"}).status_code
                for _ in range(12)]
    assert statuses[-1] == 429
    assert "Zu viele Anfragen" in client.post("/login", data={"email": user.email, "password": "x"}).get_data(as_text=True)


def test_change_name_and_password(client, make_user, login):
    user = make_user()
    login(user)
    assert client.post("/profile/name", data={"name": "Neuer Name"}).status_code == 302
    assert "Neuer Name" in client.get("/profile").get_data(as_text=True)
    bad = client.post("/profile/password", data={"current": "falsch-falsch", "new": "neues-passwort", "confirm": "neues-passwort"})
    assert bad.status_code == 422
    ok = client.post("/profile/password", data={"current": PASSWORD, "new": "neues-passwort", "confirm": "neues-passwort"})
    assert ok.status_code == 302
    assert client.get("/profile").status_code == 200  # this session survives
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": "neues-passwort"}).status_code == 302


def test_password_change_ends_other_sessions(app, make_user, login, client):
    user = make_user()
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/profile").status_code == 200
    login(user)
    client.post("/profile/password", data={"current": PASSWORD, "new": "neues-passwort", "confirm": "neues-passwort"})
    assert other.get("/profile").status_code == 302


ROLES = ["anonymous", "citizen", "business", "managing_director", "chair", "admin"]


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("citizen", 403), ("business", 403), ("chair", 403), ("managing_director", 200), ("admin", 200),
])
def test_verification_list_permissions(client, make_user, login, role, status):
    if role != "anonymous":
        stakeholder = "business" if role == "business" else "citizen"
        login(make_user(stakeholder=stakeholder, role=role if role in ("managing_director", "chair", "admin") else "member"))
    assert client.get("/verifications").status_code == status


def test_managing_director_verifies_and_rejects(client, make_user, login):
    director = make_user(role="managing_director")
    org = make_user(stakeholder="research", verified=False, organisation="TU Braunschweig")
    other = make_user(stakeholder="culture", verified=False, organisation="Theater")
    login(director)
    assert "TU Braunschweig" in client.get("/verifications").get_data(as_text=True)
    client.post(f"/verifications/{org.id}", data={"approve": "1"})
    no_reason = client.post(f"/verifications/{other.id}", data={"reject": "1", "note": ""}, follow_redirects=True)
    assert "Grund" in no_reason.get_data(as_text=True)
    client.post(f"/verifications/{other.id}", data={"reject": "1", "note": "Keine Organisation erkennbar"})
    page = client.get("/verifications").get_data(as_text=True)
    assert "Keine Organisation wartet auf Verifizierung." in page
    login(other)
    assert "Keine Organisation erkennbar" in client.get("/profile").get_data(as_text=True)


def test_member_cannot_post_verification(client, make_user, login):
    org = make_user(stakeholder="business", verified=False)
    login(make_user())
    assert client.post(f"/verifications/{org.id}", data={"approve": "1"}).status_code == 403


def test_language_switch(client):
    assert 'lang="de"' in client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
