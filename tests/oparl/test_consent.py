"""The consent to be named in OParl, given and taken back on the profile page, and the way in from
the open-data page."""
from __future__ import annotations

import re

from forum.extensions import db
from tests.conftest import sign_in
from tests.oparl.conftest import BASE, fetch


def box(page: str) -> str:
    return re.search(r'<input[^>]*name="public_listing"[^>]*>', page).group(0)


def test_the_profile_asks_and_a_yes_lists_the_person_with_their_public_memberships(client, based, make_user,
                                                                                  make_council):
    person = make_user(name="Paula Zustimmung")
    council = make_council("Fachbeirat Energie", members=[person])
    sign_in(client, person)
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="public_listing"' in page and 'for="public_listing"' in page and "OParl" in page
    assert "checked" not in box(page)
    fetch(client, BASE + f"/oparl/v1/person/{person.id}", 404)

    answer = client.post("/profile/listing", data={"public_listing": "y"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/profile#listing-title")
    listed = fetch(client, BASE + f"/oparl/v1/person/{person.id}")
    assert listed["name"] == "Paula Zustimmung"
    assert [m["organization"] for m in listed["membership"]] == [BASE + f"/oparl/v1/organization/{council.id}"]
    assert "checked" in box(client.get("/profile").get_data(as_text=True))

    assert client.post("/profile/listing", data={}).status_code == 302  # an unticked box sends nothing
    fetch(client, BASE + f"/oparl/v1/person/{person.id}", 404)


def test_the_consent_form_needs_its_csrf_token(csrf_app, client, make_user):
    person = make_user()
    sign_in(client, person)
    assert client.post("/profile/listing", data={"public_listing": "y"}).status_code == 400
    db.session.refresh(person)
    assert person.public_listing is False


def test_the_consent_reads_in_english_too(client, make_user):
    person = make_user()
    sign_in(client, person)
    client.post("/language", data={"lang": "en", "next": "/profile"})
    page = client.get("/profile").get_data(as_text=True)
    assert "Public listing (OParl)" in page


def test_the_open_data_page_links_the_oparl_entry_point(client, based):
    page = client.get("/open-data").get_data(as_text=True)
    assert f'href="{BASE}/oparl/v1/system"' in page


def test_the_data_export_names_the_consent(client, make_user):
    from forum.moderation.privacy import export_data

    person = make_user()
    assert export_data(person)["account"]["public_listing"] is False
    sign_in(client, person)
    client.post("/profile/listing", data={"public_listing": "y"})
    db.session.refresh(person)
    assert export_data(person)["account"]["public_listing"] is True
