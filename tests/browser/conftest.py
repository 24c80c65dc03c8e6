"""Real-browser harness: a real `forum serve` on a fresh database, driven by Playwright in Debian's
Chromium, with axe-core checking WCAG 2.1 A/AA on the pages a test reaches.

Fixtures: `live_server` (base URL; module-scoped), `browser`, `new_page()`, `sign_in(page, email, pw)`,
`signed_in_page(email, pw, path)`, `create_user(...)` (as `forum create-user` makes them),
`axe_check(page)`, `outbox_mails()`.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.live.servers import ForumProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.browser


class LiveServer(ForumProcess):
    """A `forum serve` process with its own instance folder and SQLite database."""

    def __init__(self, root: Path, extra_env: dict | None = None):
        super().__init__(root, {"FORUM_DATABASE_URL": f"sqlite:///{root / 'forum.db'}",
                                "FORUM_SECRET_KEY": "browser-test-secret",
                                # every browser signs in from 127.0.0.1: the per-address login limit would bite
                                "FORUM_LOGIN_RATE_LIMIT": "1000 per minute",
                                "FORUM_MAIL_POLL_SECONDS": "0.2",
                                **(extra_env or {})})

    def start(self, migrated: Path | None = None) -> LiveServer:
        if migrated is not None:  # the worker's database migrated to head (tests/conftest.py): no CLI start-up
            shutil.copyfile(migrated, self.root / "forum.db")
        else:
            self.cli("db", "upgrade")
        return super().start()

    def outbox(self) -> list[str]:
        """The mails the server's mail worker (a greenlet in `forum serve`) wrote, once it has sent
        everything the outbox table holds."""
        import sqlite3

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with sqlite3.connect(self.root / "forum.db", timeout=10) as conn:
                if not conn.execute("SELECT count(*) FROM mail_outbox WHERE status = 'pending'").fetchone()[0]:
                    break
            time.sleep(0.1)
        folder = self.root / "instance" / "outbox"
        files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
        return [f.read_text() for f in files]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, _sqlite_template):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start(_sqlite_template)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() opens a fresh browser context (its own cookies) and returns its page."""
    contexts = []

    def open_page(locale: str = "de-DE"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


_users = iter(range(1, 10_000))


@pytest.fixture
def create_user(live_server):
    """create_user(stakeholder=..., role=..., verified=True) → (id, email, password), as `forum create-user`
    makes them (tests.conftest.create_user_in, without a CLI start-up per person)."""
    from tests.conftest import create_user_in

    def create(stakeholder: str = "citizen", role: str = "member", verified: bool = True, name: str | None = None,
               organisation: str | None = None, email: str | None = None):
        n = next(_users)
        email = email or f"browser{n}-{time.monotonic_ns()}@example.org"
        password = "browser-passwort"
        if stakeholder != "citizen":
            organisation = organisation or f"Organisation {n}"
        user_id = create_user_in(live_server.env["FORUM_DATABASE_URL"], email, name=name or f"Testperson {n}",
                                 password=password, stakeholder=stakeholder, role=role,
                                 organisation=organisation if stakeholder != "citizen" else None, verified=verified)
        return user_id, email, password
    return create


@pytest.fixture
def sign_in():
    def do_sign_in(page, email: str, password: str):
        page.goto("/login")
        page.get_by_label("E-Mail-Adresse").fill(email)
        page.get_by_label("Passwort", exact=True).fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, "sign-in failed"
    return do_sign_in


@pytest.fixture
def signed_in_page(new_page, sign_in, axe_check):
    """signed_in_page(email, password, path): a fresh page signed in as that person, at `path`, which
    axe-core has found free of WCAG violations."""
    def open_page(email: str, password: str, path: str):
        page = new_page()
        sign_in(page, email, password)
        page.goto(path)
        axe_check(page)
        return page
    return open_page


@pytest.fixture
def axe_check():
    """Assert that axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

    def check(page):
        # A click on a link returns once the navigation has started, not when the new page is there:
        # axe-core run into a document still being replaced finds no documentElement.
        page.wait_for_load_state("load")
        try:
            results = axe.run(page, options=options)
        except PlaywrightError:
            page.wait_for_load_state("load")
            results = axe.run(page, options=options)
        assert results.violations_count == 0, f"{page.url}:\n{results.generate_report()}"
    return check


@pytest.fixture
def outbox_mails(live_server):
    return live_server.outbox


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which("chromium") is not None
