"""Controlling in a real browser: an evaluator scores a project against the criteria catalogue,
the managing director reads the dashboard, and the chair publishes a new catalogue version.
Every page reached passes axe-core (WCAG 2.1 A/AA)."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DIRECTOR = "josipovic@demo.braunschweig.example"  # managing director, moderator of the Smart-City-Board
CHAIR = "kornblum@demo.braunschweig.example"
PASSWORD = "demo-passwort"
CRITERIA = ["Nutzen für Bürger*innen", "Kosten", "Umsetzbarkeit", "Nachhaltigkeit", "Datenschutz",
            "Kooperationspotenzial"]


@pytest.fixture(scope="module", autouse=True)
def demo_data(live_server):
    live_server.cli("seed-demo")


def test_score_a_project_and_read_the_dashboard(new_page, sign_in, axe_check):
    page = new_page()
    sign_in(page, DIRECTOR, PASSWORD)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Projekte").click()
    axe_check(page)
    page.get_by_role("link", name="Handy-Parken").click()
    expect(page.get_by_text("noch nicht bewertet")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Projekt bewerten").click()
    page.wait_for_url(re.compile(r"/evaluate/project/\d+$"))
    axe_check(page)

    # 5,1,4,3,3,4 on 1–5 (cost inverted): (30×1 + 15×1 + 20×.75 + 15×.5 + 10×.5 + 10×.75) / 100 = 80.0
    for name, value in zip(CRITERIA, ["5", "1", "4", "3", "3", "4"]):
        page.get_by_role("group", name=f"{name} (1–5)").get_by_label(value, exact=True).check()
    for name in CRITERIA[:-1]:
        page.get_by_label(f"Begründung zu „{name}“").fill(f"Meine Einschätzung zu {name}.")
    page.get_by_role("button", name="Bewertung speichern").click()
    # the missing justification is named, and what was entered stays
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Begründung zu „Nutzen für Bürger*innen“").input_value() == \
        "Meine Einschätzung zu Nutzen für Bürger*innen."
    axe_check(page)
    page.get_by_label("Begründung zu „Kooperationspotenzial“").fill("Andere Städte nutzen denselben Anbieter.")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_text("Deine Bewertung ist gespeichert: 80,0 von 100 Punkten.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"Neven Josipovic – 80,0 von 100"))).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Controlling").click()
    page.wait_for_url(re.compile(r"/controlling$"))
    expect(page.get_by_role("heading", name="Controlling", level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Gewichtete Bewertung je Projekt"))).to_be_visible()
    scores = page.get_by_role("table", name="Gewichtete Bewertung je Projekt")
    row = scores.get_by_role("row").filter(has_text="Handy-Parken")
    assert row.get_by_role("cell").first.inner_text() == "80,0"
    expect(page.get_by_role("img", name=re.compile("Projekte nach Status"))).to_be_visible()
    expect(page.get_by_text("über Budget").first).to_be_visible()  # WLAN in der Innenstadt spent more than planned
    axe_check(page)

    page.get_by_label("Status", exact=True).select_option(label="läuft")
    page.get_by_role("button", name="Filtern").click()
    budget = page.get_by_role("table", name="Budget und Ausgaben je Projekt")
    expect(budget.get_by_role("row").filter(has_text="Handy-Parken")).to_have_count(0)  # waits for the filtered page
    expect(budget.get_by_role("row").filter(has_text="Braunschweig-App")).to_have_count(1)
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Filtern").is_visible()
    expect(page.get_by_role("img", name=re.compile("Budget und Ausgaben je Projekt"))).to_be_visible()
def test_chair_changes_a_weight_and_the_ranking_moves_to_the_new_version(axe_check, signed_in_page):
    page = signed_in_page(CHAIR, PASSWORD, "/criteria")
    page.get_by_role("link", name="Katalog ändern").click()
    axe_check(page)
    first = page.get_by_role("group", name="Kriterium 1")
    first.get_by_label("Gewicht").fill("40")
    page.get_by_label("Was hat sich geändert?").fill("Bürgernutzen stärker gewichtet")
    page.get_by_role("button", name="Als neue Version veröffentlichen").click()
    expect(page.get_by_text("Version 2 des Kriterienkatalogs ist veröffentlicht.")).to_be_visible()
    axe_check(page)
    page.goto("/controlling/ranking")
    expect(page.get_by_text("Nach Kriterienkatalog Version 2: 0 Bewertungen.")).to_be_visible()
    page.get_by_label("Katalogversion").select_option(label="Version 1")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("table", name="Projekte nach Punkten").get_by_role("row").filter(
        has_text="Open-Data-Plattform")).to_have_count(1)
    axe_check(page)


def test_cooperation_request_from_a_business_reaches_the_office(new_page, sign_in, axe_check, create_user,
                                                              signed_in_page):
    _, email, password = create_user(stakeholder="business", organisation="Sensorik GmbH")
    partner = new_page()
    partner.goto("/open-data")
    axe_check(partner)
    partner.get_by_role("contentinfo").get_by_role("link", name="Kooperation anfragen").click()
    axe_check(partner)
    sign_in(partner, email, password)
    partner.goto("/cooperation")
    assert partner.get_by_label("Organisation").input_value() == "Sensorik GmbH"
    partner.get_by_label("Thema").select_option(label="Mobilität")
    partner.get_by_label("Nachricht").fill("Wir möchten Parksensoren in der Innenstadt erproben.")
    partner.get_by_role("button", name="Anfrage senden").click()
    expect(partner.get_by_text("Danke! Deine Anfrage ist bei der Geschäftsstelle eingegangen.")).to_be_visible()
    request_url = partner.url
    axe_check(partner)

    office = signed_in_page(DIRECTOR, PASSWORD, "/controlling/requests")
    office.get_by_role("link", name="Sensorik GmbH").click()
    axe_check(office)
    office.get_by_label("Antwort").fill("Gern! Bitte meldet euch beim Fachbeirat Mobilität.")
    office.get_by_role("button", name="Antwort senden").click()
    expect(office.get_by_text("Die Antwort ist gesendet.")).to_be_visible()
    partner.goto(request_url)
    expect(partner.get_by_text("beantwortet").first).to_be_visible()
    expect(partner.get_by_text("Gern! Bitte meldet euch beim Fachbeirat Mobilität.")).to_be_visible()
def test_project_form_and_evaluators_page_are_accessible(new_page, sign_in, axe_check):
    page = new_page()
    sign_in(page, DIRECTOR, PASSWORD)
    for path in ("/projects/new", "/controlling/evaluators", "/controlling/ranking"):
        page.goto(path)
        axe_check(page)
    page.goto("/projects/new")
    page.get_by_role("button", name="Projekt speichern").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)
