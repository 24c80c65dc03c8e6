"""Councils in a real browser: found, appoint, join, request/decline, private stays private.
Every page reached passes axe-core (WCAG 2.1 A/AA)."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def found(page, name: str, visibility: str, join_policy: str = "open"):
    page.goto("/councils")
    page.get_by_role("link", name="Fachbeirat gründen").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Auftrag (kurz)").fill("Verwaltungsleistungen online, einfach und sicher.")
    page.get_by_label("Beschreibung").fill("Wir sammeln **Ideen** für die Braunschweig-App.")
    page.get_by_role("radio", name=re.compile("^Öffentlich" if visibility == "public" else "^Privat")).check()
    page.get_by_role("radio", name=re.compile({"open": "^Offen", "request": "^Auf Anfrage",
                                               "appointed": "^Nur durch Berufung"}[join_policy])).check()
    page.get_by_role("button", name="Fachbeirat gründen").click()
    page.wait_for_url(re.compile(r"/councils/[a-z0-9-]+/members$"))
    return page.url.rsplit("/", 2)[-2]


def test_found_appoint_join_and_private_stays_hidden(new_page, create_user, sign_in, axe_check, signed_in_page):
    _, md_email, md_pw = create_user(role="managing_director", name="Neven Josipovic")
    _, mod_email, _ = create_user(name="Katrin Vogel", stakeholder="business", organisation="Stadtwerke")
    _, citizen_email, citizen_pw = create_user(name="Anna Schmidt")
    _, outsider_email, outsider_pw = create_user(name="Mehmet Yilmaz")

    director = signed_in_page(md_email, md_pw, "/councils/new")
    director.get_by_role("button", name="Fachbeirat gründen").click()  # empty: errors are announced
    expect(director.get_by_role("alert")).to_be_visible()
    axe_check(director)
    slug = found(director, "Fachbeirat E-Government", "public")
    assert slug == "fachbeirat-e-government"
    axe_check(director)
    director.get_by_label("E-Mail-Adresse", exact=True).fill(mod_email)
    director.get_by_label("Rolle", exact=True).select_option("moderator")
    director.get_by_role("button", name="Berufen").click()
    expect(director.get_by_text("Katrin Vogel ist jetzt dabei.")).to_be_visible()
    row = director.get_by_role("row").filter(has_text="Katrin Vogel")
    expect(row.get_by_role("cell", name="Moderation", exact=True)).to_be_visible()
    axe_check(director)
    private_slug = found(director, "Geheimer Lenkungskreis", "private", "appointed")

    citizen = signed_in_page(citizen_email, citizen_pw, "/councils")
    citizen.get_by_role("link", name="Fachbeirat E-Government").click()
    expect(citizen.get_by_text("Katrin Vogel (Stadtwerke)")).to_be_visible()
    expect(citizen.get_by_text("Der Fachbeirat hat 1 Mitglied.")).to_be_visible()
    axe_check(citizen)
    citizen.get_by_role("button", name="Beitreten").click()
    expect(citizen.get_by_text("Willkommen im Fachbeirat „Fachbeirat E-Government“!")).to_be_visible()
    expect(citizen.get_by_text("Der Fachbeirat hat 2 Mitglieder.")).to_be_visible()
    expect(citizen.get_by_role("button", name="Fachbeirat verlassen")).to_be_visible()
    citizen.goto("/profile")
    expect(citizen.get_by_text("Fachbeirat E-Government – Mitglied")).to_be_visible()
    outsider = new_page()
    sign_in(outsider, outsider_email, outsider_pw)
    outsider.goto("/councils")
    assert "Geheimer Lenkungskreis" not in outsider.content()
    response = outsider.goto(f"/councils/{private_slug}")
    assert response.status == 404 and "Geheimer Lenkungskreis" not in outsider.content()
    axe_check(outsider)
    director.goto("/councils")
    card = director.get_by_role("listitem").filter(has_text="Geheimer Lenkungskreis")
    expect(card.get_by_text("privat")).to_be_visible()
def test_request_declined_with_reason(new_page, create_user, sign_in, axe_check):
    _, chair_email, chair_pw = create_user(role="chair")
    _, person_email, person_pw = create_user(name="Mara Lindner", stakeholder="culture", organisation="Staatstheater")
    _, org_email, org_pw = create_user(stakeholder="business", verified=False, organisation="Telecomputer")

    chair = new_page()
    sign_in(chair, chair_email, chair_pw)
    slug = found(chair, "Fachbeirat Offene Daten", "public", "request")

    person = new_page()
    sign_in(person, person_email, person_pw)
    person.goto(f"/councils/{slug}")
    person.get_by_label("Nachricht an die Moderation (freiwillig)").fill("Wir haben Spielplandaten.")
    person.get_by_role("button", name="Beitritt anfragen").click()
    expect(person.get_by_text("liegt der Moderation vor")).to_be_visible()
    axe_check(person)

    chair.goto(f"/councils/{slug}/members")
    card = chair.get_by_role("listitem").filter(has_text="Mara Lindner")
    expect(card.get_by_text("Wir haben Spielplandaten.")).to_be_visible()
    axe_check(chair)
    card.get_by_role("button", name="Ablehnen").click()
    expect(chair.get_by_role("alert")).to_be_visible()  # a reason is required
    axe_check(chair)
    card = chair.get_by_role("listitem").filter(has_text="Mara Lindner")
    card.get_by_label(re.compile("^Begründung")).fill("Bitte stellt das Projekt zuerst im Plenum vor.")
    card.get_by_role("button", name="Ablehnen").click()
    expect(chair.get_by_text("Die Anfrage von Mara Lindner ist abgelehnt")).to_be_visible()
    person.goto(f"/councils/{slug}")
    expect(person.get_by_text("Bitte stellt das Projekt zuerst im Plenum vor.")).to_be_visible()
    organisation = new_page()
    sign_in(organisation, org_email, org_pw)
    organisation.goto(f"/councils/{slug}")
    expect(organisation.get_by_text("wird noch von der Geschäftsführung geprüft")).to_be_visible()
    expect(organisation.get_by_role("button", name="Beitritt anfragen")).to_have_count(0)
    axe_check(organisation)
