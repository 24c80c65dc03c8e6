"""The accessibility statement (BITV 2.0): in German and English, linked from every page's footer,
with conformance status, known limitations, the date of the check, a feedback contact and the
enforcement procedure; admins edit each language like the imprint."""
from __future__ import annotations

import pytest

FOOTER_LINK = 'href="/accessibility"'


def test_the_german_statement_has_what_bitv_asks_for(client):
    page = client.get("/accessibility")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in text
    for needed in ("BITV 2.0", "WCAG 2.1", "teilweise vereinbar", "axe-core", "Nicht barrierefreie Inhalte",
                   "Datum der Prüfung", "7. Dezember 2026", "Feedback und Kontakt", "Schlichtungsverfahren",
                   "§ 16 Behindertengleichstellungsgesetz", "schlichtungsstelle-bgg.de"):
        assert needed in text, needed
    assert FOOTER_LINK in text


def test_the_english_statement_for_english_readers(client):
    client.post("/language", data={"lang": "en"})
    text = client.get("/accessibility").get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in text
    for needed in ("partially compliant", "BITV 2.0", "WCAG 2.1", "Known limitations".lower(), "7 December 2026",
                   "Feedback and contact", "Enforcement procedure", "§ 16"):
        assert needed in text or needed in text.lower(), needed
    assert ">Accessibility</a>" in text  # the footer link, translated


@pytest.mark.parametrize("path", ["/", "/councils", "/proposals", "/meetings", "/login", "/register", "/privacy",
                                  "/transparency", "/open-data", "/nothing-here"])
def test_every_footer_links_the_statement(client, path):
    assert FOOTER_LINK in client.get(path).get_data(as_text=True)


def test_admins_edit_each_language_and_nobody_else(client, login, make_user):
    login(make_user(role="managing_director"))
    assert client.get("/accessibility/edit").status_code == 403
    assert client.post("/accessibility/edit/en", data={"body": "x"}).status_code == 403
    admin = make_user(role="admin")
    login(admin)
    german = client.get("/accessibility").get_data(as_text=True)
    assert 'href="/accessibility/edit"' in german
    form = client.get("/accessibility/edit").get_data(as_text=True)
    assert "Schlichtungsstelle" in form and 'href="/accessibility/edit/en"' in form
    response = client.post("/accessibility/edit", data={"body": "### Feedback\n\nbarrierefrei@braunschweig.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/accessibility"
    response = client.post("/accessibility/edit/en", data={"body": "### Feedback\n\naccessible@braunschweig.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/accessibility"
    assert "barrierefrei@braunschweig.example" in client.get("/accessibility").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    english = client.get("/accessibility").get_data(as_text=True)
    assert "accessible@braunschweig.example" in english and "barrierefrei@" not in english
    assert 'href="/accessibility/edit/en"' in english
    assert client.post("/accessibility/edit", data={"body": "  "}).status_code == 422


def test_legal_pages_mark_their_language_and_headings_follow_the_title(client):
    """Found by review: the German privacy notice and imprint on the English site carried no lang="de",
    and their headings jumped from h1 to h3."""
    import re

    german = client.get("/privacy").get_data(as_text=True)
    assert '<div class="prose" lang="de">' in german and "nur auf Deutsch" not in german
    content = german.split('<div class="prose"', 1)[1]
    assert "<h2>Verantwortliche Stelle</h2>" in content and not re.search(r"<h[34]>", content.split("</div>", 1)[0])
    client.post("/language", data={"lang": "en"})
    for path in ("/privacy", "/imprint"):
        english = client.get(path).get_data(as_text=True)
        assert '<div class="prose" lang="de">' in english
        assert '<p class="meta" lang="en">This page is in German only; the German text is binding.</p>' in english
    statement = client.get("/accessibility").get_data(as_text=True)
    assert '<div class="prose" lang="en">' in statement and "German only" not in statement
