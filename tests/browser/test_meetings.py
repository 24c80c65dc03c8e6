"""Meetings in a real browser: the managing director builds and publishes an agenda, every page passes
axe-core, and in a second browser context a participant's page follows the current agenda item live."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser



def create_meeting(page, title: str, items: list[tuple[str, str]]) -> str:
    """As the signed-in managing director: create, fill and publish a forum meeting; returns its path."""
    page.goto("/meetings")
    page.get_by_role("link", name="Neue Sitzung anlegen").click()
    page.get_by_label("Titel", exact=True).fill(title)
    page.get_by_label("Gremium").select_option("")
    page.get_by_label("Beginn").fill("2030-05-04T18:00")
    page.get_by_label("Ende").fill("2030-05-04T20:30")
    page.get_by_label("Ort", exact=True).fill("Rathaus Braunschweig, Großer Sitzungssaal")
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/edit$"))
    path = page.url.split(page.url.split("/meetings/")[0])[1].removesuffix("/edit")
    for item_title, minutes in items:
        page.get_by_label("Titel des TOP").fill(item_title)
        page.get_by_label("Geplante Dauer in Minuten").fill(minutes)
        page.get_by_role("button", name="TOP hinzufügen").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Tagesordnung veröffentlichen").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    return path


def test_agenda_pages_are_accessible(new_page, create_user, axe_check, signed_in_page):
    _, email, password = create_user(role="managing_director")
    page = signed_in_page(email, password, "/meetings/new")
    path = create_meeting(page, "Konstituierende Sitzung des Smart-City-Forums",
                          [("Begrüßung durch den CDO Thorsten Kornblum", "10"),
                           ("Braunschweig-App, Handy-Parken und WLAN in der Innenstadt", "40")])
    expect(page.get_by_text("Die Tagesordnung ist veröffentlicht")).to_be_visible()
    axe_check(page)
    page.goto(path + "/edit")
    axe_check(page)
    page.get_by_role("link", name=re.compile("^Bearbeiten")).first.click()
    axe_check(page)
    page.goto(path + "/print")
    axe_check(page)
    page.goto(path + "/minutes")
    axe_check(page)
    page.goto("/meetings")
    expect(page.get_by_role("link", name="Konstituierende Sitzung des Smart-City-Forums")).to_be_visible()
    axe_check(page)
    visitor = new_page()
    visitor.goto(path)
    expect(visitor.get_by_role("heading", name="TOP 2: Braunschweig-App, Handy-Parken und WLAN in der Innenstadt")).to_be_visible()
    axe_check(visitor)


def test_participant_follows_the_current_item_live(new_page, create_user, sign_in, axe_check):
    _, md_email, md_password = create_user(role="managing_director")
    _, email, password = create_user()
    director = new_page()
    sign_in(director, md_email, md_password)
    path = create_meeting(director, "Sitzung zum Mitverfolgen",
                          [("Begrüßung", "5"), ("Kooperation mit Wolfsburg, Salzgitter und Gifhorn", "30"),
                           ("Verschiedenes", "10")])
    items = director.locator("[data-live-agenda] > li")
    ids = [items.nth(i).get_attribute("id") for i in range(items.count())]

    participant = new_page()
    sign_in(participant, email, password)
    participant.goto(path)
    participant.wait_for_load_state("networkidle")
    expect(participant.locator("[aria-current='step']")).to_have_count(0)
    assert participant.locator("[data-agenda-timer]").is_hidden()

    director.get_by_role("button", name="Sitzung starten mit TOP 1").click()
    director.wait_for_load_state()
    first = participant.locator(f"#{ids[0]}")
    first.and_(participant.locator("[aria-current='step']")).wait_for()
    now = participant.locator("[data-agenda-now-text]")
    assert now.text_content().strip() == "TOP 1: Begrüßung"
    timer = participant.locator("[data-agenda-timer]")
    timer.wait_for(state="visible")
    participant.wait_for_function(
        "document.querySelector('[data-timer-elapsed]').textContent.startsWith('Verstrichen')")
    assert participant.locator("[data-timer-planned]").text_content() == "Geplant: 5 Min."
    expect(participant.locator("[data-meeting-status]")).to_have_text("Läuft gerade")  # was "Angekündigt"

    director.get_by_role("button", name="TOP 3 aufrufen").click()
    director.wait_for_load_state()
    participant.locator(f"#{ids[2]}[aria-current='step']").wait_for()
    assert first.get_attribute("aria-current") is None
    assert now.text_content().strip() == "TOP 3: Verschiedenes"
    assert participant.locator("[data-timer-planned]").text_content() == "Geplant: 10 Min."
    assert participant.url.endswith(path)  # no reload: the page followed by itself
    axe_check(participant)

    director.get_by_role("button", name="Sitzung beenden").click()
    participant.wait_for_function("document.querySelectorAll('[aria-current=\"step\"]').length === 0")
    assert participant.locator("[data-agenda-timer]").is_hidden()
    expect(participant.locator("[data-meeting-status]")).to_have_text("Beendet")
