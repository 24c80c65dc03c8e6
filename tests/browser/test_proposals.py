"""A proposal's life in a real browser: a citizen posts, a business and a researcher vote, the council's
moderator opens and closes voting and answers, and the chart shows who voted how. axe-core checks
every page reached."""
import re
import sqlite3

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def add_council(live_server, slug: str, name: str, moderator_id: int) -> None:
    """Councils are founded by another feature; here one is put straight into the server's database."""
    with sqlite3.connect(live_server.root / "forum.db") as conn:
        cursor = conn.execute(
            "INSERT INTO councils (slug, name, mandate, description, visibility, join_policy, created_at, members_count)"
            " VALUES (?, ?, '', '', 'public', 'open', datetime('now'), 1)", (slug, name))
        conn.execute("INSERT INTO memberships (council_id, user_id, role, created_at) VALUES (?, ?, 'moderator', "
                     "datetime('now'))", (cursor.lastrowid, moderator_id))


def test_post_vote_decide_and_see_who_voted(new_page, live_server, create_user, sign_in, axe_check,
                                            signed_in_page):
    _, citizen_email, pw = create_user(name="Anna Schmidt")
    moderator_id, moderator_email, _ = create_user(name="Katrin Vogel")
    _, business_email, _ = create_user(stakeholder="business", organisation="Stadtwerke", name="Sven Richter")
    _, research_email, _ = create_user(stakeholder="research", organisation="TU Braunschweig", name="Jonas Albrecht")
    _, pending_email, _ = create_user(stakeholder="culture", verified=False, organisation="Staatstheater")
    add_council(live_server, "mobilitaet-browser", "Fachbeirat Mobilität", moderator_id)

    citizen = signed_in_page(citizen_email, pw, "/proposals")
    citizen.get_by_role("link", name="Neuen Vorschlag schreiben").click()
    citizen.get_by_label("Titel").fill("Handy-Parken in allen Parkhäusern")
    citizen.get_by_label("Beschreibung").fill("Handy-Parken soll **überall** gehen, auch in Parkhäusern.")
    citizen.get_by_label("Fachbeirat").select_option(label="Fachbeirat Mobilität")
    citizen.get_by_label("Schlagworte").fill("parken, mobilität")
    citizen.get_by_role("button", name="Vorschau").click()
    expect(citizen.locator(".preview strong", has_text="überall")).to_be_visible()
    axe_check(citizen)
    citizen.get_by_role("button", name="Veröffentlichen").click()
    citizen.wait_for_url(re.compile(r"/proposals/\d+$"))
    url = citizen.url
    expect(citizen.get_by_role("heading", name="Handy-Parken in allen Parkhäusern")).to_be_visible()
    expect(citizen.get_by_text("Die Abstimmung ist noch nicht eröffnet")).to_be_visible()
    axe_check(citizen)

    moderator = new_page()
    sign_in(moderator, moderator_email, pw)
    moderator.goto(url)
    moderator.get_by_label("Neuer Status").select_option(label="Abstimmung läuft")
    moderator.get_by_role("button", name="Speichern").click()
    expect(moderator.get_by_text("Die Abstimmung läuft.")).to_be_visible()
    axe_check(moderator)

    for email, choice in ((business_email, "Dafür"), (research_email, "Dagegen")):
        voter = new_page()
        sign_in(voter, email, pw)
        voter.goto(url)
        voter.get_by_role("button", name=choice, exact=True).click()
        expect(voter.get_by_text("Deine Stimme ist gezählt.")).to_be_visible()
        assert voter.locator(".my-vote strong").inner_text() == choice
        axe_check(voter)

    pending = new_page()
    sign_in(pending, pending_email, pw)
    pending.goto(url)
    expect(pending.get_by_text("wartet noch auf die Verifizierung")).to_be_visible()
    expect(pending.get_by_role("button", name="Dafür", exact=True)).to_have_count(0)
    moderator.goto(url)
    moderator.get_by_label("Neuer Status").select_option(label="Angenommen")
    moderator.get_by_label("Offizielle Antwort (Markdown, optional)").fill(
        "Der Fachbeirat empfiehlt die **Umsetzung** bis zum Sommer.")
    moderator.get_by_role("button", name="Speichern").click()
    expect(moderator.get_by_role("heading", name="Offizielle Antwort")).to_be_visible()
    citizen.goto(url)
    response = citizen.locator(".official-response")
    assert "Umsetzung" in response.inner_text()
    expect(citizen.locator(".badge", has_text="Angenommen").first).to_be_visible()
    votes = citizen.locator("[data-live-votes]")
    assert votes.locator('[data-votes-field="total"]').inner_text() == "2"
    table = citizen.get_by_role("table", name="Stimmen nach Gruppe")
    business_row = table.get_by_role("row", name=re.compile("^Unternehmen"))
    research_row = table.get_by_role("row", name=re.compile("^Forschung"))
    assert business_row.get_by_role("cell").all_inner_texts()[:3] == ["1", "0", "0"]
    assert research_row.get_by_role("cell").all_inner_texts()[:3] == ["0", "1", "0"]
    chart = citizen.get_by_role("img", name=re.compile("Stimmen nach Gruppe"))
    expect(chart).to_be_visible()
    assert float(chart.locator('[data-votes-bar="business.for"]').get_attribute("width").rstrip("%")) == 100
    assert float(chart.locator('[data-votes-bar="research.against"]').get_attribute("width").rstrip("%")) == 100
    axe_check(citizen)

    citizen.goto("/notifications")
    expect(citizen.get_by_text(re.compile("Angenommen")).first).to_be_visible()