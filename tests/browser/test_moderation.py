"""Moderation in a real browser: a member reports a proposal, the managing director hides it with a
reason (readers see the placeholder, the author is told why), then restores it. axe-core checks the
pages reached; the footer links the privacy notice and the imprint."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLACEHOLDER = "Dieser Beitrag wurde von der Moderation ausgeblendet."


def test_report_hide_restore(new_page, create_user, sign_in, axe_check):
    _, author_email, pw = create_user(name="Anna Schmidt")
    _, reader_email, _ = create_user(name="Mehmet Yilmaz")
    _, md_email, _ = create_user(role="managing_director", name="Neven Josipovic")

    author = new_page()
    sign_in(author, author_email, pw)
    author.goto("/proposals/new")
    author.get_by_label("Titel").fill("WLAN in der Innenstadt für alle")
    author.get_by_label("Beschreibung").fill("Ein Text, der gemeldet wird.")
    author.get_by_role("button", name="Veröffentlichen").click()
    author.wait_for_url(re.compile(r"/proposals/\d+$"))
    url = author.url

    reader = new_page()
    sign_in(reader, reader_email, pw)
    reader.goto(url)
    reader.get_by_role("link", name="Melden").first.click()
    reader.wait_for_url(re.compile(r"/report/proposal/\d+$"))
    axe_check(reader)
    reader.get_by_label("Warum meldest du diesen Beitrag?").fill("Das ist Werbung.")
    reader.get_by_role("button", name="Beitrag melden").click()
    reader.wait_for_url(url)
    assert reader.get_by_text("Danke! Die Moderation prüft deine Meldung.").is_visible()

    director = new_page()
    sign_in(director, md_email, pw)
    director.get_by_role("link", name="Moderation").click()
    director.wait_for_url(re.compile(r"/moderation$"))
    assert director.get_by_text("Das ist Werbung.").is_visible()
    axe_check(director)
    director.get_by_label("Begründung").first.fill("Werbung ist hier nicht erlaubt.")
    director.get_by_role("button", name="Ausblenden").click()
    assert director.get_by_text("Der Beitrag ist ausgeblendet.").is_visible()
    axe_check(director)

    reader.goto(url)
    assert reader.get_by_text(PLACEHOLDER).is_visible()
    expect(reader.get_by_text("Ein Text, der gemeldet wird.")).to_have_count(0)
    reader.goto("/proposals")
    expect(reader.get_by_text("WLAN in der Innenstadt für alle")).to_have_count(0)
    author.goto("/notifications")
    assert author.get_by_text("Werbung ist hier nicht erlaubt.").is_visible()

    director.goto("/moderation")
    director.get_by_label("Begründung").first.fill("Nach Rücksprache doch in Ordnung.")
    director.get_by_role("button", name="Wieder einblenden").click()
    assert director.get_by_text("Der Beitrag ist wieder sichtbar.").is_visible()

    reader.goto(url)
    assert reader.get_by_text("Ein Text, der gemeldet wird.").is_visible()
    expect(reader.get_by_text(PLACEHOLDER)).to_have_count(0)
    director.goto("/audit")
    assert director.get_by_role("cell", name="content.hide").is_visible()
    assert director.get_by_role("cell", name="content.restore").is_visible()
    axe_check(director)

    reader.get_by_role("link", name="Datenschutz").click()
    assert reader.get_by_role("heading", name="Datenschutz", level=1).is_visible()
    axe_check(reader)
    reader.goto("/transparency")
    axe_check(reader)
