"""The OParl consent on the profile page and the way in from the open-data page, in a real
browser with the keyboard; every page reached passes axe-core."""
import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_agreeing_to_be_named_puts_the_person_into_oparl(create_user, axe_check, signed_in_page):
    _, email, password = create_user(name="Olga Offen")
    page = signed_in_page(email, password, "/profile")
    box = page.get_by_label("Mich mit Namen und meinen Fachbeiräten in der OParl-Schnittstelle nennen")
    expect(box).not_to_be_checked()
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Einstellung speichern").click()
    expect(page.get_by_text("Du wirst jetzt in der OParl-Schnittstelle genannt.")).to_be_visible()
    expect(box).to_be_checked()
    axe_check(page)

    page.goto("/open-data")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"oparl.v1.system$")).click()
    system = json.loads(page.locator("body").inner_text())
    assert system["type"] == "https://schema.oparl.org/1.1/System"
    page.goto("/oparl/v1/body/forum/person")
    people = json.loads(page.locator("body").inner_text())
    assert "Olga Offen" in [p["name"] for p in people["data"]]  # (moderators of other tests may be there)
