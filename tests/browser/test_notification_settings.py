"""Language and notification settings in a real browser; every page reached passes axe-core."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_language_and_notification_settings(new_page, live_server, axe_check, sign_in):
    email = f"einstellungen-{id(live_server)}@example.org"
    live_server.cli("create-user", email, "--name", "Enno Einstellung", "--password", "sicheres-passwort",
                    "--stakeholder", "citizen")
    page = new_page()
    sign_in(page, email, "sicheres-passwort")
    page.goto("/profile")
    page.get_by_role("radio", name="English").check()
    page.get_by_role("button", name="Sprache speichern").click()
    expect(page.get_by_text("Your language has been saved.")).to_be_visible()
    axe_check(page)
    page.goto("/notifications")
    page.get_by_role("link", name="Choose here which notifications come by e-mail.").click()
    axe_check(page)
    page.get_by_role("group", name="Meetings").get_by_role("radio", name="weekly summary").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your settings have been saved.")).to_be_visible()
    expect(page.get_by_role("group", name="Meetings").get_by_role("radio", name="weekly summary")).to_be_checked()
