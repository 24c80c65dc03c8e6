"""Files in a real browser: the managing director attaches a PDF to an agenda item of a published
meeting (the upload form with its progress script), the document shows under its TOP, the page
passes axe-core, and a visitor opens the PDF inline."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_meetings import create_meeting
from tests.files.samples import PDF

pytestmark = pytest.mark.browser


def test_attach_pdf_to_meeting_and_open_it(new_page, create_user, sign_in, axe_check):
    _, email, password = create_user(role="managing_director")
    page = new_page()
    sign_in(page, email, password)
    path = create_meeting(page, "Sitzung mit Unterlagen", [("Begrüßung", "10"), ("Radverkehrsplan", "30")])
    page.get_by_label("Datei anhängen").set_input_files(
        {"name": "Radverkehrsplan 2030.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_label("Gehört zu").select_option(label="TOP 2: Radverkehrsplan")
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_text("Die Datei ist angehängt.")).to_be_visible()
    item = page.locator(".agenda-item", has_text="TOP 2: Radverkehrsplan")
    link = item.get_by_role("link", name="Radverkehrsplan 2030.pdf")
    expect(link).to_be_visible()
    axe_check(page)

    visitor = new_page()
    visitor.goto(path)
    href = visitor.locator(".agenda-item", has_text="TOP 2").get_by_role("link", name="Radverkehrsplan 2030.pdf") \
        .get_attribute("href")
    assert re.fullmatch(r"/files/\d+", href)
    with visitor.expect_response(lambda r: r.url.endswith(href)) as answer:
        visitor.evaluate("href => { window.location.href = href; }", href)
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["x-content-type-options"] == "nosniff"
    # Chromium shows the PDF in its viewer (the page's body is the viewer); the bytes themselves:
    assert visitor.context.request.get(href).body() == PDF
