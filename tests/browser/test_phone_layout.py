"""The pages on a phone (390×844): nothing makes a page wider than the screen — wide tables scroll in a
keyboard-reachable region of their own, long German compounds and unbroken names wrap — and axe-core
(WCAG 2.1 A/AA, among them scrollable-region-focusable) finds no violation, for a visitor and for the
managing director."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DIRECTOR = "josipovic@demo.braunschweig.example"
PASSWORD = "demo-passwort"
LONG_TITLE = "Parkraumbewirtschaftungskonzept für die Innenstadt"
LONG_ORGANISATION = ("Digitalisierungsgenossenschaft" * 7)[:200]  # 200 characters, not one break
PUBLIC_PAGES = ["/proposals", "/proposals/1", "/transparency", "/criteria", "/projects/1", "/meetings/1/print",
                "/meetings/2/print", "/live/rooms/council/mobilitaet"]
DIRECTOR_PAGES = ["/controlling", "/audit", "/controlling/ranking", "/controlling/requests",
                  "/councils/smart-city-board/members", "/councils/smart-city-board", "/verifications",
                  "/projects/1", "/evaluate/project/1", "/open-data", "/proposals", "/meetings/3"]

WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const beyond = e => e.getBoundingClientRect().right > width + 0.5;
  const textSpills = e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
    && getComputedStyle(e).overflowX === 'visible' && ![...e.children].some(beyond);
  return [...document.body.querySelectorAll('*')]
    .filter(e => (beyond(e) || textSpills(e)) && !e.closest('.visually-hidden'))
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`);
}"""


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.cli("seed-demo")


def sign_in_as_director(page, sign_in):
    page.set_viewport_size(PHONE)
    sign_in(page, DIRECTOR, PASSWORD)
    return page


@pytest.fixture
def long_names(demo, new_page, sign_in, create_user):
    """A proposal with a long compound title (posted by the managing director, with a tall live
    discussion), and an organisation with a 200-character unbroken name waiting for verification.
    Returns the proposal's path."""
    create_user(stakeholder="business", verified=False, organisation=LONG_ORGANISATION)
    page = sign_in_as_director(new_page(), sign_in)
    page.goto("/proposals/new")
    page.get_by_label("Titel").fill(LONG_TITLE)
    page.get_by_label("Beschreibung").fill("Ein Konzept zur Parkraumbewirtschaftung in der Innenstadt.")
    page.get_by_role("button", name="Veröffentlichen").click()
    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    path = re.search(r"/proposals/\d+$", page.url).group()
    # enough lines that the live log scrolls on a phone
    page.get_by_label("Deine Nachricht").fill("\n\n".join(f"Absatz {n} zur Parkraumbewirtschaftung." for n in range(25)))
    page.get_by_role("button", name="Senden", exact=True).click()
    expect(page.locator(".live-message", has_text="Absatz 24")).to_be_visible()
    return path


def problems_on(page, paths, axe_check, viewport=PHONE) -> list[str]:
    """Every page of `paths` that is wider than the screen (of `viewport`) or has an axe violation."""
    found = []
    for path in paths:
        page.goto(path)
        assert page.viewport_size == viewport
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            found.append(f"{path}: {scroll} px wide on a {client} px screen; too wide: {page.evaluate(WIDEST)}")
        try:
            axe_check(page)
        except AssertionError as violation:
            found.append(str(violation))
    return found


def test_a_visitors_pages_fit_a_phone(long_names, new_page, axe_check):
    page = new_page()
    page.set_viewport_size(PHONE)
    problems = problems_on(page, [long_names, *PUBLIC_PAGES], axe_check)
    assert not problems, "\n".join(problems)
    # the wide vote table scrolls in a named region that the keyboard reaches, and stays a table
    page.goto("/proposals/1")
    region = page.get_by_role("region", name="Stimmen nach Gruppe")
    expect(region.get_by_role("table", name="Stimmen nach Gruppe")).to_be_visible()
    region.focus()
    expect(region).to_be_focused()


def test_the_managing_directors_pages_fit_a_phone(long_names, new_page, sign_in, axe_check):
    page = sign_in_as_director(new_page(), sign_in)
    problems = problems_on(page, [long_names, *DIRECTOR_PAGES], axe_check)
    assert not problems, "\n".join(problems)
    page.goto(long_names)
    log = page.get_by_role("log", name="Live-Diskussion")
    assert log.evaluate("e => e.scrollHeight > e.clientHeight"), "the live log should scroll here"
    log.focus()
    expect(log).to_be_focused()
    # the 200-character organisation name stretched the page on a desktop screen too
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not problems_on(page, ["/verifications"], axe_check, viewport={"width": 1280, "height": 800})
