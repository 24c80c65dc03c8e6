"""Absolute links come from FORUM_BASE_URL, never from the Host header (issue 13, item 3).

Anyone can send any Host header: if a link in a mail, a calendar or a download were built from it,
an attacker could make the forum mail real people links to a host of their choosing."""
import re
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from forum.controlling.open_data import LICENCE
from tests.conftest import mail_text

BASE = "https://forum.example"
EVIL = {"Host": "evil.example"}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def based(app):
    app.config["BASE_URL"] = BASE
    return app


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def _assert_on_base(links: list[str]) -> None:
    assert links, "no link at all"
    for link in links:
        assert link.startswith(BASE + "/") or link == BASE, link
        assert "evil.example" not in link


def test_join_request_mail_over_the_api_links_to_the_base_url(based, client, api_token, make_user, make_council,
                                                              outbox):
    moderator, person = make_user(), make_user()
    council = make_council(join_policy="request", moderators=[moderator])
    headers = {**api_token(person), **EVIL}
    created = client.post(f"/api/v1/councils/{council.slug}/join-requests", headers=headers, json={"message": "Hallo"})
    assert created.status_code == 201
    [mail] = [m for m in outbox() if moderator.email in m]
    _assert_on_base(_links(mail_text(mail)))


def test_confirmation_mail_of_a_registration_links_to_the_base_url(based, client, outbox):
    answer = client.post("/register", headers=EVIL, data={
        "email": "neu@example.org", "name": "Neu", "password": "ein-langes-passwort",
        "password_confirm": "ein-langes-passwort", "stakeholder": "citizen"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    [mail] = outbox()
    links = _links(mail_text(mail))
    _assert_on_base(links)
    assert any(link.startswith(BASE + "/confirm/") for link in links)


def test_notification_mail_links_to_the_base_url(based, client, api_token, make_user, make_council, make_proposal,
                                                 outbox):
    moderator, author = make_user(), make_user()
    proposal = make_proposal(author=author, council=make_council(moderators=[moderator]))
    changed = client.patch(f"/api/v1/proposals/{proposal.id}", headers={**api_token(moderator), **EVIL},
                           json={"status": "voting"})
    assert changed.status_code == 200
    [mail] = [m for m in outbox() if author.email in m]
    _assert_on_base(_links(mail_text(mail)))


def test_calendar_links_to_the_base_url(based, client, make_meeting):
    meeting = make_meeting("Sommersitzung")
    for path in (f"/meetings/{meeting.id}.ics", "/calendar.ics"):
        response = client.get(path, headers=EVIL)
        assert response.status_code == 200
        [event] = Calendar.from_ical(response.data).walk("VEVENT")
        assert str(event["URL"]) == f"{BASE}/meetings/{meeting.id}"


def test_printed_agenda_names_the_base_url(based, client, make_meeting):
    meeting = make_meeting("Sommersitzung")
    page = client.get(f"/meetings/{meeting.id}/print", headers=EVIL).get_data(as_text=True)
    assert f"{BASE}/meetings/{meeting.id}" in page and "evil.example" not in page


def test_open_data_links_to_the_base_url(based, client, make_council, make_proposal, make_meeting, make_project):
    council = make_council()
    proposal = make_proposal(council=council)
    make_meeting(council=council, proposals=[proposal])
    make_project(councils=[council], proposals=[proposal])
    for name in ("projects", "proposals", "councils", "meetings"):
        for suffix in ("json", "csv"):
            response = client.get(f"/open-data/{name}.{suffix}", headers=EVIL)
            assert response.status_code == 200, name
            ours = [link for link in _links(response.get_data(as_text=True)) if link != LICENCE["url"]]
            _assert_on_base(ours)


def test_without_a_base_url_development_links_follow_the_request(app, client, make_meeting):
    meeting = make_meeting("Sommersitzung")
    [event] = Calendar.from_ical(client.get(f"/meetings/{meeting.id}.ics").data).walk("VEVENT")
    assert str(event["URL"]) == f"http://localhost/meetings/{meeting.id}"


# Whatever builds a link from the request (Flask's `_external=True`, `request.url_root`, `host_url`, the
# Host header itself) lives in forum/urls.py alone; so does reading X-Forwarded-* (that is ProxyFix's job).
FORBIDDEN = r"_external|url_root|host_url|request\.host\b|HTTP_HOST|X_FORWARDED|X-Forwarded-(For|Host|Proto)"
ALLOWED = {"forum/urls.py", "forum/proxies.py"}


def test_no_link_is_built_from_the_request_outside_forum_urls():
    found = subprocess.run(["git", "grep", "-n", "-E", FORBIDDEN, "--", "forum", "templates"],
                           cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    offenders = [line for line in found if line.split(":", 1)[0] not in ALLOWED]
    assert offenders == []
