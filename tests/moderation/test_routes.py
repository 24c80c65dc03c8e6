"""Moderation pages: permission tables, report → queue → hide/restore, suspension, audit, site pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.audit import AuditEntry
from forum.moderation.models import Report
from forum.proposals.models import Proposal
from tests.conftest import ACTORS, PASSWORD, representatives

QUEUE_READERS = {"moderator", "other_moderator", "managing_director", "admin"}
AUDIT_READERS = {"managing_director", "admin"}
COUNCIL_MODERATORS = {"moderator", "managing_director", "admin"}
# One actor of each distinct row over HTTP; tests/moderation/test_permissions.py asks every actor.
HTTP_ACTORS = representatives(lambda k: (k in QUEUE_READERS, k in AUDIT_READERS, k in COUNCIL_MODERATORS), ACTORS)


@pytest.fixture
def reported(make_user, make_council, make_proposal):
    """A council, a proposal in it with one open report."""
    council = make_council()
    proposal = make_proposal(council=council, body="Ein Text mit Beleidigung")
    db.session.add(Report(reporter_id=make_user().id, target_type="proposal", target_id=proposal.id,
                          council_id=council.id, reason="Beleidigend"))
    db.session.commit()
    return council, proposal


@pytest.mark.parametrize("kind", HTTP_ACTORS)
def test_queue_page_permission_table(kind, client, signed_in_actor, reported):
    council, proposal = reported
    actor = signed_in_actor(kind, council)
    response = client.get("/moderation")
    if actor is None:
        assert response.status_code == 302 and "/login" in response.location
        return
    assert response.status_code == (200 if kind in QUEUE_READERS else 403)
    if kind in COUNCIL_MODERATORS:
        assert "Beleidigend" in response.get_data(as_text=True)
    elif kind == "other_moderator":
        assert "Beleidigend" not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", HTTP_ACTORS)
def test_hide_permission_table(kind, client, signed_in_actor, reported):
    council, proposal = reported
    actor = signed_in_actor(kind, council)
    response = client.post(f"/moderation/proposal/{proposal.id}/hide", data={"reason": "Regel 3"})
    db.session.expire_all()
    hidden = db.session.get(Proposal, proposal.id).hidden_at is not None
    if actor is None:
        assert response.status_code == 302 and "/login" in response.location
    elif kind in COUNCIL_MODERATORS:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    assert hidden == (kind in COUNCIL_MODERATORS)


@pytest.mark.parametrize("kind", HTTP_ACTORS)
def test_audit_and_people_pages_permission_table(kind, client, signed_in_actor, make_council):
    actor = signed_in_actor(kind, make_council())
    for path in ("/audit", "/people"):
        response = client.get(path)
        if actor is None:
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if kind in AUDIT_READERS else 403), path


def test_report_form_then_moderator_hides_and_restores(client, login, make_user, make_council, make_proposal):
    moderator, author = make_user(), make_user()
    council = make_council(moderators=[moderator])
    proposal = make_proposal(author=author, council=council, body="Ein unpassender Satz")
    login(make_user())
    assert client.get(f"/report/proposal/{proposal.id}").status_code == 200
    assert client.post(f"/report/proposal/{proposal.id}", data={"reason": ""}).status_code == 422
    response = client.post(f"/report/proposal/{proposal.id}", data={"reason": "Unsachlich"})
    assert response.status_code == 302 and response.location.endswith(f"/proposals/{proposal.id}")
    again = client.get(f"/report/proposal/{proposal.id}", follow_redirects=False)
    assert again.status_code == 302  # reported already: back to the item
    login(moderator)
    page = client.get("/moderation").get_data(as_text=True)
    assert "Unsachlich" in page and "Ein unpassender Satz" in page
    client.post(f"/moderation/proposal/{proposal.id}/hide", data={"reason": "Verstößt gegen die Regeln"})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).hidden_reason == "Verstößt gegen die Regeln"
    assert "Keine offenen Meldungen" in client.get("/moderation").get_data(as_text=True)
    login(author)
    notices = client.get("/notifications").get_data(as_text=True)
    assert "Verstößt gegen die Regeln" in notices


def test_own_item_and_invisible_item_cannot_be_reported(client, login, make_user, make_council, make_proposal):
    author = make_user()
    own = make_proposal(author=author)
    secret = make_proposal(council=make_council(visibility="private"))
    login(author)
    assert client.get(f"/report/proposal/{own.id}").status_code == 403
    assert client.get(f"/report/proposal/{secret.id}").status_code == 404
    assert client.get("/report/poll/1").status_code == 404


def test_suspension_from_people_page_shows_banner_and_lift(client, login, make_user, make_council):
    md, person = make_user(role="managing_director"), make_user(name="Gesperrte Person")
    council = make_council()
    login(md)
    page = client.get("/people?q=Gesperrte").get_data(as_text=True)
    assert "Gesperrte Person" in page
    assert client.post(f"/people/{person.id}/suspension", data={"reason": "Beleidigungen"}).status_code == 302
    assert "Gesperrte Person" in client.get("/people").get_data(as_text=True)  # the list of suspended people
    login(person)
    profile = client.get("/profile").get_data(as_text=True)
    assert "auf Dauer gesperrt" in profile and "Beleidigungen" in profile
    client.post(f"/councils/{council.slug}/join")
    db.session.expire_all()
    assert db.session.get(type(council), council.id).members_count == 0
    login(md)
    client.post(f"/people/{person.id}/suspension/lift", data={"reason": ""})
    login(person)
    assert "gesperrt" not in client.get("/profile").get_data(as_text=True)


def test_audit_page_lists_and_filters(client, login, make_user):
    md, admin = make_user(role="managing_director"), make_user(role="admin")
    person = make_user()
    login(md)
    client.post(f"/people/{person.id}/suspension", data={"reason": "Grund A"})
    client.post(f"/people/{person.id}/suspension/lift", data={"reason": ""})
    login(admin)
    page = client.get("/audit").get_data(as_text=True)
    assert "user.suspend" in page and "user.unsuspend" in page and "Grund A" in page
    filtered = client.get("/audit?action=user.unsuspend").get_data(as_text=True)
    assert "Grund A" not in filtered and "user.unsuspend" in filtered
    assert "Grund A" not in client.get(f"/audit?actor={admin.id}").get_data(as_text=True)
    assert client.get("/audit?date_from=kein-datum&page=x").status_code == 200
    assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "user.suspend")) == md.id


def test_transparency_page_shows_counts_without_names(client, login, make_user, reported):
    council, proposal = reported
    md = make_user(role="managing_director", name="Diana Direktorin")
    login(md)
    client.post(f"/moderation/proposal/{proposal.id}/hide", data={"reason": "Regel"})
    client.post("/logout")
    page = client.get("/transparency").get_data(as_text=True)
    assert "<table" in page and "Diana Direktorin" not in page and "Regel" not in page


@pytest.mark.parametrize("slug", ["privacy", "imprint"])
def test_site_pages_public_and_editable_by_admins_only(slug, client, login, make_user):
    page = client.get(f"/{slug}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'href="/privacy"' in text and 'href="/imprint"' in text  # footer links
    if slug == "privacy":
        assert "keine Tracking-Cookies" in text.replace("<strong>", "").replace("</strong>", "")
        assert "Art. 15" in text
    login(make_user(role="managing_director"))
    assert client.get(f"/{slug}/edit").status_code == 403
    login(make_user(role="admin"))
    assert client.get(f"/{slug}/edit").status_code == 200
    assert client.post(f"/{slug}/edit", data={"body": "### Kontakt\n\n<script>x</script>Datenschutz: dsb@example.org"}
                       ).status_code == 302
    shown = client.get(f"/{slug}").get_data(as_text=True)
    assert "dsb@example.org" in shown and "<script>" not in shown


def test_pages_load_nothing_from_third_parties(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html.split("<main")[0]


def test_profile_export_is_a_download_for_the_signed_in_person_only(client, login, make_user):
    person = make_user(name="Erika Export")
    assert client.post("/profile/export").status_code == 302  # anonymous: to the login
    login(person)
    response = client.post("/profile/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["account"]["name"] == "Erika Export"
    assert client.get("/profile/export").status_code == 405  # no link that could be replayed


def test_profile_delete_needs_the_password(client, login, make_user):
    from forum.accounts.models import User

    person = make_user()
    person_id = person.id
    login(person)
    client.post("/profile/delete", data={"password": "falsch-falsch"})
    assert db.session.get(User, person_id) is not None
    response = client.post("/profile/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person_id) is None
    assert client.get("/profile").status_code == 302  # signed out
