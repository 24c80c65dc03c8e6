"""Register, confirm, log in and out in a real browser; every page reached passes axe-core."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import extract_link

pytestmark = pytest.mark.browser


def test_register_confirm_login_logout(new_page, live_server, outbox_mails, axe_check, sign_in):
    page = new_page()
    page.goto("/")
    axe_check(page)
    page.get_by_role("link", name="Registrieren").first.click()
    axe_check(page)
    email = f"erika-{id(page)}@example.org"
    page.get_by_label("Name", exact=True).fill("Erika Muster")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_role("radio", name="Unternehmen").check()
    page.get_by_role("button", name="Registrieren").click()
    # the form keeps what was typed and says what is missing
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page)
    page.get_by_label("Organisation", exact=False).first.fill("Stadtwerke Braunschweig")
    page.get_by_label("Passwort (mindestens 8 Zeichen)").fill("sicheres-passwort")
    page.get_by_label("Passwort wiederholen").fill("sicheres-passwort")
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url(re.compile(r"/register/sent$"))
    expect(page.get_by_role("heading", name="Bitte prüfe dein Postfach")).to_be_visible()
    axe_check(page)

    link = extract_link(outbox_mails()[-1], "/confirm/")
    page.goto(link)
    axe_check(page)
    page.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
    page.wait_for_url(re.compile(r"/login$"))
    expect(page.get_by_text("Danke! Deine E-Mail-Adresse ist bestätigt. Melde dich jetzt an.")).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill("sicheres-passwort")
    page.get_by_role("button", name="Anmelden").click()
    page.goto("/profile")
    expect(page.get_by_text("Verifizierung ausstehend")).to_be_visible()
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Du bist abgemeldet.")).to_be_visible()
    page.goto("/profile")
    assert "/login" in page.url
    axe_check(page)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill("falsches-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("E-Mail-Adresse oder Passwort ist falsch.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Passwort", exact=True).fill("sicheres-passwort")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/profile$"))
    expect(page.get_by_role("heading", name="Mein Profil")).to_be_visible()
def test_managing_director_verifies_organisation(new_page, create_user, sign_in, axe_check):
    _, md_email, md_pw = create_user(role="managing_director")
    _, org_email, org_pw = create_user(stakeholder="research", verified=False, organisation="Forschungsinstitut X")
    page = new_page()
    sign_in(page, md_email, md_pw)
    page.get_by_role("link", name="Verifizierungen").click()
    axe_check(page)
    card = page.get_by_role("listitem").filter(has_text="Forschungsinstitut X")
    card.get_by_role("button", name="Verifizieren").click()
    expect(page.get_by_text("Forschungsinstitut X ist jetzt verifiziert.")).to_be_visible()
    other = new_page()
    sign_in(other, org_email, org_pw)
    other.goto("/profile")
    expect(other.get_by_text("verifiziert", exact=True)).to_be_visible()
def test_keyboard_skip_link_and_language(new_page, axe_check):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Zum Inhalt springen" in focused
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page)


def test_forgot_password_mail_reset_and_sign_in(new_page, create_user, outbox_mails, axe_check, sign_in):
    """As a person would: the login page's link, the mail in the outbox, the new password, and the
    old session and password gone."""
    _, email, old_password = create_user()
    elsewhere = new_page()
    sign_in(elsewhere, email, old_password)
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="Passwort vergessen?").click()
    axe_check(page)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_role("button", name="Link zum Zurücksetzen senden").click()
    expect(page.get_by_role("heading", name="Bitte prüfe dein Postfach")).to_be_visible()
    axe_check(page)
    mail = next(m for m in reversed(outbox_mails()) if f"To: {email}" in m)
    page.goto(extract_link(mail, "/password/reset/"))
    axe_check(page)
    page.get_by_label("Neues Passwort (mindestens 8 Zeichen)").fill("brandneues-passwort")
    page.get_by_label("Neues Passwort wiederholen").fill("anderes-passwort")
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the two did not match: said, nothing lost
    axe_check(page)
    page.get_by_label("Neues Passwort (mindestens 8 Zeichen)").fill("brandneues-passwort")
    page.get_by_label("Neues Passwort wiederholen").fill("brandneues-passwort")
    page.get_by_role("button", name="Passwort speichern").click()
    page.wait_for_url(re.compile(r"/login$"))
    expect(page.get_by_text("Dein neues Passwort ist gespeichert.", exact=False)).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(old_password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("E-Mail-Adresse oder Passwort ist falsch.")).to_be_visible()
    sign_in(page, email, "brandneues-passwort")
    page.goto("/profile")
    expect(page.get_by_role("heading", name="Mein Profil")).to_be_visible()
    axe_check(page)
    elsewhere.goto("/profile")
    assert "/login" in elsewhere.url  # the other browser's session ended with the reset


def test_every_footer_leads_to_the_accessibility_statement(new_page, axe_check):
    page = new_page()
    page.goto("/login")
    page.get_by_role("contentinfo").get_by_role("link", name="Barrierefreiheit").click()
    page.wait_for_url(re.compile(r"/accessibility$"))
    expect(page.get_by_role("heading", level=1, name="Erklärung zur Barrierefreiheit")).to_be_visible()
    expect(page.get_by_role("heading", name="Schlichtungsverfahren")).to_be_visible()
    axe_check(page)
