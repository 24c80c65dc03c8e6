"""Language (issue 15, item 2): the browser's for visitors, the chosen one for a person, and every
notice and mail rendered in its recipient's language when it is shown or sent."""
from datetime import datetime

from forum.extensions import db


def test_a_visitor_gets_the_language_the_browser_asks_for(client):
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert english.headers["Content-Language"] == "en" and '<html lang="en"' in english.get_data(as_text=True)
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.headers["Content-Language"] == "de"
    assert client.get("/").headers["Content-Language"] == "de"


def test_a_person_chooses_the_language_over_the_api(client, make_user, api_token, login):
    person = make_user()
    headers = api_token(person)
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] == "de"
    changed = client.patch("/api/v1/me", json={"language": "en", "name": "Ann Other"}, headers=headers)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["language"] == "en" and changed.get_json()["name"] == "Ann Other"
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] == "en"
    wrong = client.patch("/api/v1/me", json={"language": "fr"}, headers=headers)
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "invalid_language"
    unknown = client.patch("/api/v1/me", json={"email": "x@example.org"}, headers=headers)
    assert unknown.status_code == 400 and unknown.get_json()["error"]["code"] == "unknown_fields"
    assert client.patch("/api/v1/me", json={"language": "en"}).status_code == 401
    # null is "not given", as the OpenAPI document says (nullable): nothing changes
    kept = client.patch("/api/v1/me", json={"language": None, "name": None}, headers=headers)
    assert kept.status_code == 200 and kept.get_json()["language"] == "en" and kept.get_json()["name"] == "Ann Other"
    # the chosen language beats the browser's
    login(person)
    assert client.get("/", headers={"Accept-Language": "de"}).headers["Content-Language"] == "en"


def test_a_person_chooses_the_language_on_the_profile_page(client, make_user, login):
    person = make_user()
    login(person)
    page = client.get("/profile")
    assert 'name="language"' in page.get_data(as_text=True)
    answer = client.post("/profile/language", data={"language": "en"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert person.language == "en"
    assert "Language" in client.get("/profile", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert client.post("/profile/language", data={"language": "xx"}).status_code == 422


def test_notices_and_mails_are_in_the_recipients_language_when_sent(app, client, make_user, make_council,
                                                                    make_meeting, api_token, smtp, deliver, login):
    anna, john = make_user(), make_user()
    john.language = "en"
    council = make_council(members=[anna, john])
    meeting = make_meeting("Haushalt", council=council, status="draft")
    meeting.starts_at = datetime(2026, 7, 1, 10, 0)  # summer: 12:00 in Berlin
    db.session.commit()
    director = make_user(role="managing_director")
    assert client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=api_token(director)).status_code == 200
    deliver()
    [german] = smtp.to(anna.email)
    [english] = smtp.to(john.email)
    assert german["Subject"] == "Neue Sitzung: Haushalt" and german["Content-Language"] == "de"
    assert english["Subject"] == "New meeting: Haushalt" and english["Content-Language"] == "en"
    assert "12:00" in german.get_body(("plain",)).get_content()
    assert "12:00" in english.get_body(("plain",)).get_content()  # Berlin time, English format
    login(john)
    assert "New meeting: Haushalt" in client.get("/notifications").get_data(as_text=True)


def test_the_language_at_sending_time_counts(app, client, make_user, make_council, smtp, deliver):
    from forum.councils import membership

    moderator, asking = make_user(), make_user(name="Bea Beispiel")
    council = make_council(name="Mobilität", join_policy="request", moderators=[moderator])
    with app.test_request_context():
        membership.request_to_join(asking, council, "Bitte")
        db.session.commit()
    moderator.language = "en"  # changed after the notice, before the worker sent its mail
    db.session.commit()
    deliver()
    [mail] = smtp.to(moderator.email)
    assert mail["Subject"] == "Request to join Mobilität"
    assert "Bea Beispiel would like to join" in mail.get_body(("plain",)).get_content()
