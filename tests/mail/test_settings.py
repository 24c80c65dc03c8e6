"""Settings per category, digests and one-click unsubscribe (issue 15, items 3 and 4)."""
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from forum.extensions import db
from forum.notifications.models import Notification
from forum.notifications.settings import modes_of


def _publish(client, api_token, make_user, make_meeting, council):
    meeting = make_meeting(council=council, status="draft")
    answer = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=api_token(make_user(role="managing_director")))
    assert answer.status_code == 200
    return meeting


def test_one_click_unsubscribe_stops_that_category_without_signing_in(app, csrf_app, client, make_user, make_council,
                                                                      make_meeting, api_token, smtp, deliver):
    app.config["BASE_URL"] = "https://forum.braunschweig.example"
    member = make_user()
    council = make_council(members=[member])
    _publish(client, api_token, make_user, make_meeting, council)
    deliver()
    [mail] = smtp.to(member.email)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [raw] = [r for r in smtp.handler.raw if member.email.encode() in r]
    assert b"\nList-Unsubscribe: <https://forum.braunschweig.example/unsubscribe/" in raw.replace(b"\r\n", b"\n")
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://forum.braunschweig.example/unsubscribe/")
    assert link in mail.get_body(("plain",)).get_content()
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200 and "/notifications/settings" in page.get_data(as_text=True)
    # what a mail client sends (RFC 8058): no cookie, no CSRF token
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert modes_of(member.id)["meetings"] == "off" and modes_of(member.id)["councils"] == "instant"
    _publish(client, api_token, make_user, make_meeting, council)
    deliver()
    assert len(smtp.to(member.email)) == 1  # no second mail
    notices = db.session.scalars(db.select(Notification).where(Notification.user_id == member.id)).all()
    assert len(notices) == 2  # the forum still shows both
    assert client.post(path[:-3] + "xyz").status_code == 404


def test_a_mail_waiting_when_the_person_unsubscribes_is_not_sent(app, client, make_user, make_council, make_meeting,
                                                                 api_token, smtp, deliver):
    from forum.notifications.settings import unsubscribe_token

    member = make_user()
    _publish(client, api_token, make_user, make_meeting, make_council(members=[member]))
    assert client.post(f"/unsubscribe/{unsubscribe_token(member.id, 'meetings')}").status_code == 200
    outcome = deliver()
    assert outcome.skipped == 1 and smtp.to(member.email) == []


def test_settings_page_and_api(client, make_user, login, api_token):
    person = make_user()
    login(person)
    page = client.get("/notifications/settings").get_data(as_text=True)
    import re

    assert re.search(r'<input checked[^>]*name="followed_proposals"[^>]*value="instant"', page)  # the default
    assert re.search(r'<input checked[^>]*name="meetings"[^>]*value="instant"', page)
    answer = client.post("/notifications/settings", data={"own_proposals": "weekly", "followed_proposals": "off",
                                                           "councils": "instant", "meetings": "daily",
                                                           "moderation": "instant", "cooperation": "instant"})
    assert answer.status_code == 302
    assert modes_of(person.id)["meetings"] == "daily" and modes_of(person.id)["own_proposals"] == "weekly"
    assert client.post("/notifications/settings", data={"meetings": "laut"}).status_code == 422
    headers = api_token(person)
    got = client.get("/api/v1/me/notification-settings", headers=headers).get_json()
    assert got["settings"]["meetings"] == "daily" and got["settings"]["followed_proposals"] == "off"
    put = client.put("/api/v1/me/notification-settings", json={"settings": {"meetings": "off"}}, headers=headers)
    assert put.status_code == 200 and put.get_json()["settings"]["meetings"] == "off"
    assert put.get_json()["settings"]["own_proposals"] == "weekly"  # untouched
    bad = client.put("/api/v1/me/notification-settings", json={"settings": {"meetings": "laut"}}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_settings"
    assert client.put("/api/v1/me/notification-settings", json=[], headers=headers).status_code in (400, 422)
    for mode in ({}, [], None, 1, True):  # not a string: the error shape, never a 500 (an unhashable mode)
        odd = client.put("/api/v1/me/notification-settings", json={"settings": {"own_proposals": mode}},
                         headers=headers)
        assert odd.status_code == 422 and odd.get_json()["error"]["code"] == "invalid_settings", mode
    extra = client.put("/api/v1/me/notification-settings", json={"settings": {}, "x": 1}, headers=headers)
    assert extra.status_code == 422 and extra.get_json()["error"]["code"] == "invalid_settings"
    same = client.put("/api/v1/me/notification-settings", json={"settings": {}}, headers=headers)
    assert same.status_code == 200 and same.get_json() == put.get_json()


def test_a_daily_digest_gathers_the_notices_in_one_mail(app, client, make_user, make_council, make_meeting,
                                                        api_token, smtp, deliver):
    from forum.notifications.settings import set_modes

    member = make_user()
    member.language = "en"
    set_modes(member.id, {"meetings": "daily"})
    db.session.commit()
    council = make_council(members=[member])
    first = _publish(client, api_token, make_user, make_meeting, council)
    _publish(client, api_token, make_user, make_meeting, council)
    deliver()
    assert smtp.to(member.email) == []  # nothing at once
    result = app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0 and "1" in result.output
    deliver()
    [digest] = smtp.to(member.email)
    text = digest.get_body(("plain",)).get_content()
    assert digest["Subject"] == "Your daily summary: 2 news"
    assert f"New meeting: {first.title}" in text and f"/meetings/{first.id}" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    app.test_cli_runner().invoke(args=["send-digests"])
    deliver()
    assert len(smtp.to(member.email)) == 1  # what was in a digest is not sent again


LATER = datetime(2027, 1, 1)  # the digests are queued at the test's made-up times


def test_digests_run_on_schedule_once_per_period(app, make_user, make_council, smtp, deliver):
    from forum.notifications.digests import last_due, scheduled
    from forum.notifications.services import notify
    from forum.notifications.settings import set_modes

    daily, weekly = make_user(), make_user()
    set_modes(daily.id, {"councils": "daily"})
    set_modes(weekly.id, {"councils": "weekly"})
    with app.test_request_context():
        notify([daily, weekly], "Eins", "Text", "/councils", category="councils")
        db.session.commit()
    monday = datetime(2026, 12, 7, 7, 30)  # 08:30 in Berlin, a Monday
    assert last_due("daily", monday) == datetime(2026, 12, 7, 6, 0)
    assert last_due("weekly", monday + timedelta(days=3)) == datetime(2026, 12, 7, 6, 0)
    scheduled(monday)
    deliver(now=LATER)
    assert len(smtp.to(daily.email)) == 1 and len(smtp.to(weekly.email)) == 1
    with app.test_request_context():
        notify([daily, weekly], "Zwei", "Text", "/councils", category="councils")
        db.session.commit()
    scheduled(monday + timedelta(hours=3))  # the same day: nothing new
    deliver(now=LATER)
    assert len(smtp.to(daily.email)) == 1
    scheduled(monday + timedelta(days=1))  # Tuesday: the daily one, not the weekly one
    deliver(now=LATER)
    assert len(smtp.to(daily.email)) == 2 and len(smtp.to(weekly.email)) == 1
