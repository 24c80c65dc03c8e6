"""What OParl must never show: private councils and everything in them, and people who did not
agree to be named (issue 16, item 4; shared/CONTRACT.md "OParl 1.1")."""
from __future__ import annotations

import json

import pytest

from tests.conftest import sign_in
from tests.oparl.conftest import BASE, fetch
from tests.oparl.test_objects import crawl

SECRETS = ("Geheimer Kreis", "Geheimer Vorschlag", "Geheime Sitzung", "Geheimer Punkt", "Sigrid Geheim",
           "Quentin Still", "Entwurf eines Vorschlags", "Entwurfssitzung", "Verborgener Vorschlag", "Beleidigend",
           "Geheime Unterlage", "Geheime Anlage", "Verborgene Anlage")


def everything(client) -> str:
    objects, pages = crawl(client, limit=2)
    return json.dumps(objects + pages, ensure_ascii=False)


def test_nothing_private_appears_anywhere_in_the_whole_interface(client, oparl_world):
    text = everything(client)
    for secret in SECRETS:
        assert secret not in text, secret
    for url in (f"/organization/{oparl_world.private.id}", f"/meeting/{oparl_world.private_meeting.id}",
                f"/paper/{oparl_world.private_proposal.id}"):
        assert BASE + "/oparl/v1" + url not in text
    # the hidden proposal is listed only as a removed object, with nothing of its content
    changes = fetch(client, BASE + "/oparl/v1/body/forum/paper?modified_since=2000-01-01T00:00:00Z")
    assert "Verborgener" not in json.dumps(changes) and len(changes["data"]) == 3


def private_urls(w) -> list[str]:
    membership_id = next(m.id for m in w.private.memberships if m.user_id == w.listed.id)
    return [f"/oparl/v1/organization/{w.private.id}", f"/oparl/v1/organization/{w.private.id}/meeting",
            f"/oparl/v1/meeting/{w.private_meeting.id}", f"/oparl/v1/agendaitem/{w.private_meeting.items[0].id}",
            f"/oparl/v1/paper/{w.private_proposal.id}", f"/oparl/v1/membership/{membership_id}",
            f"/oparl/v1/consultation/{w.private_meeting.items[0].id}/{w.proposal.id}",
            f"/oparl/v1/consultation/{w.meeting.items[1].id}/{w.private_proposal.id}",
            f"/oparl/v1/person/{w.secret_moderator.id}", f"/oparl/v1/person/{w.quiet.id}",
            *(f"/oparl/v1/file/{w.files[name].id}" for name in ("Geheime Unterlage.pdf", "Geheime Anlage.pdf",
                                                               "Verborgene Anlage.pdf"))]


@pytest.mark.parametrize("viewer", [None, "listed", "secret_moderator"])
def test_private_objects_are_404_for_everyone_members_included(client, oparl_world, viewer):
    if viewer:
        sign_in(client, getattr(oparl_world, viewer))
    for url in private_urls(oparl_world):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.get_json()["error"]["code"] == "not_found"


def test_a_council_made_private_disappears_with_its_meetings_and_papers(client, oparl_world):
    from forum.extensions import db

    oparl_world.council.visibility = "private"
    db.session.commit()
    text = everything(client)
    for gone in ("Fachbeirat Mobilität", "Sitzung Mobilität", "Handy-Parken", "Mara Moderation"):
        assert gone not in text, gone
    assert "Radwege am Ring" in text and "Forumssitzung" in text


def test_people_are_those_who_agreed_and_the_moderators_of_public_councils(client, oparl_world):
    w = oparl_world
    people = {p["name"]: p for p in fetch(client, BASE + "/oparl/v1/body/forum/person")["data"]}
    assert set(people) == {"Lena Öffentlich", "Mara Moderation"}
    council = BASE + f"/oparl/v1/organization/{w.council.id}"
    assert [(m["organization"], m["role"]) for m in people["Lena Öffentlich"]["membership"]] == [(council, "Mitglied")]
    assert [(m["organization"], m["role"]) for m in people["Mara Moderation"]["membership"]] == [
        (council, "Moderation")]
    organization = fetch(client, council)
    listed = [fetch(client, url) for url in organization["membership"]]
    assert sorted(m["person"] for m in listed) == sorted(
        BASE + f"/oparl/v1/person/{u.id}" for u in (w.listed, w.moderator))


def test_withdrawing_consent_takes_a_person_and_their_memberships_out(client, oparl_world):
    from forum.extensions import db

    w = oparl_world
    w.listed.public_listing = False
    db.session.commit()
    fetch(client, BASE + f"/oparl/v1/person/{w.listed.id}", 404)
    organization = fetch(client, BASE + f"/oparl/v1/organization/{w.council.id}")
    assert len(organization["membership"]) == 1  # the moderator's
    assert "originatorPerson" not in fetch(client, BASE + f"/oparl/v1/paper/{w.proposal.id}")


def test_a_paper_names_its_author_only_when_they_are_a_public_person(client, oparl_world):
    w = oparl_world
    assert fetch(client, BASE + f"/oparl/v1/paper/{w.proposal.id}")["originatorPerson"] == [
        BASE + f"/oparl/v1/person/{w.listed.id}"]
    assert "originatorPerson" not in fetch(client, BASE + f"/oparl/v1/paper/{w.forum_proposal.id}")
    assert BASE + f"/oparl/v1/person/{w.quiet.id}" not in everything(client)
