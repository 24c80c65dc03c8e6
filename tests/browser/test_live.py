"""The live panel in real browsers: two contexts see each other's messages without reload,
a moderator's hide reaches everyone at once, and the page still works without JavaScript."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGE = "/live/rooms/council/mobilitaet"
DEMO_PASSWORD = "demo-passwort"


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.cli("seed-demo")
    return live_server


def open_room(page):
    page.goto(PAGE)
    expect(page.locator("[data-live-status]")).to_have_text(re.compile("Live verbunden"))


def test_a_message_appears_in_the_other_browser_and_a_hide_removes_it(demo, new_page, sign_in, axe_check):
    author = new_page()
    sign_in(author, "anna.schmidt@demo.example", DEMO_PASSWORD)
    open_room(author)
    visitor = new_page()
    sockets, csp_errors = [], []
    visitor.on("websocket", lambda ws: sockets.append(ws.url))
    visitor.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    open_room(visitor)
    axe_check(visitor)

    author.get_by_label("Deine Nachricht").fill("Das **Handy-Parken** funktioniert jetzt auch am Hauptbahnhof.")
    author.get_by_role("button", name="Senden").click()
    message = visitor.locator(".live-message", has_text="funktioniert jetzt auch am Hauptbahnhof")
    expect(message).to_be_visible()
    expect(message.locator("strong")).to_have_text("Handy-Parken")
    # the live path is a WebSocket that the page's CSP (connect-src 'self') allows
    assert any("/socket.io/" in url and "transport=websocket" in url for url in sockets), sockets
    assert csp_errors == []
    expect(author.get_by_label("Deine Nachricht")).to_have_value("")
    expect(author.locator(".live-message", has_text="am Hauptbahnhof")).to_have_count(1)
    expect(visitor.locator("[data-live-presence]")).to_have_text(re.compile(r"\d+ Personen sind gerade hier"))
    axe_check(author)

    moderator = new_page()
    sign_in(moderator, "digital@demo.stadtwerke.example", DEMO_PASSWORD)
    open_room(moderator)
    item = moderator.locator(".live-message", has_text="am Hauptbahnhof")
    item.get_by_text("Ausblenden", exact=True).click()
    item.get_by_label("Grund für das Ausblenden").fill("Bitte beim Thema bleiben")
    axe_check(moderator)
    item.get_by_role("button", name="Nachricht ausblenden").click()

    expect(visitor.get_by_text("am Hauptbahnhof")).to_have_count(0)
    expect(visitor.get_by_text("Diese Nachricht wurde von der Moderation ausgeblendet.")).to_be_visible()
    expect(author.get_by_text("Grund: Bitte beim Thema bleiben")).to_be_visible()
    visitor.reload()
    expect(visitor.get_by_text("am Hauptbahnhof")).to_have_count(0)


def test_without_javascript_the_plain_form_posts(demo, browser, sign_in, new_page):
    context = browser.new_context(base_url=demo.url, locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "anna.schmidt@demo.example", DEMO_PASSWORD)
        page.goto(PAGE)
        page.get_by_label("Deine Nachricht").fill("Gesendet ohne JavaScript")
        page.get_by_role("button", name="Senden").click()
        page.wait_for_url(re.compile(r"#live-message-\d+$"))
        expect(page.locator(".live-message", has_text="Gesendet ohne JavaScript")).to_have_count(1)
    finally:
        context.close()
    watcher = new_page()
    watcher.goto(PAGE)
    expect(watcher.locator(".live-message", has_text="Gesendet ohne JavaScript")).to_be_visible()
