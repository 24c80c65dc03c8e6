"""The forum the way it is deployed: Debian's nginx with deploy/nginx/forum.conf over TLS in front of
`forum serve --workers 2` (or, where serve has no --workers yet, two `forum serve` processes as
nginx's upstream), with FORUM_ENV=production, PostgreSQL, Redis as message queue and rate-limit
storage, SMTP mail and FORUM_TRUSTED_PROXIES=1. A browser registers, votes and receives a live
message sent through the other worker; rate limits count the client's address, not nginx's."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

import pytest
import requests

from forum.cli import serve_command
from forum.ops.check import problems
from tests.conftest import extract_link
from tests.ops.services import ForumServer, _worker_range, free_port, start_all, wait_until

from .stack import HOST, NGINX, Nginx, SmtpSink, https_from

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CHROMIUM = "/usr/bin/chromium"
DATABASE_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
ROOM = "/live/rooms/council/mobilitaet"
DEMO_PASSWORD = "demo-passwort"
LOGIN_LIMIT = 5
NGINX_ADDRESS = "127.0.0.2"  # nginx connects to the forum from here; clients come from elsewhere
# With `forum serve --workers N` (feat/perf-server) the forum runs as deployed: one process, two workers
# on one port. Without it, two `forum serve` processes stand in for the two workers.
WORKERS_OPTION = any(param.name == "workers" for param in serve_command.params)


def _ports(count: int) -> list[int]:
    start, end = _worker_range(8700, 50)  # each of two pytest workers its half of 8700-8799
    ports: list[int] = []
    for _ in range(count):
        ports.append(free_port(start if not ports else ports[-1] + 1, end))
    return ports


def _fresh_database() -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(DATABASE_URL)
    name = f"{url.database}_nginx"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(url_text: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(url_text)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def _migrate_and_seed(root: Path, database: str) -> None:
    from flask_migrate import upgrade

    from forum.demo import seed_demo
    from forum.extensions import db
    from tests.conftest import _make_app

    app = _make_app(root / "setup", database)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    if not (DATABASE_URL and REDIS_URL):
        pytest.skip("FORUM_TEST_DATABASE_URL and FORUM_TEST_REDIS_URL are needed")
    if not Path(NGINX).exists() or not shutil.which("openssl"):
        pytest.skip("nginx and openssl are needed (apt-get install nginx; .ci/run does)")
    root = tmp_path_factory.mktemp("deployed")
    http_port, https_port, smtp_port, first, second, metrics_a, metrics_b = _ports(7)  # metrics: consecutive
    database = _fresh_database()
    env = {"FORUM_ENV": "production", "FORUM_BASE_URL": f"https://{HOST}:{https_port}",
           "FORUM_SECRET_KEY": secrets.token_hex(32), "FORUM_DATABASE_URL": database,
           "FORUM_MESSAGE_QUEUE": REDIS_URL, "FORUM_RATELIMIT_STORAGE_URL": REDIS_URL, "FORUM_TRUSTED_PROXIES": "1",
           "FORUM_MAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "FORUM_WORKERS": "2",
           "FORUM_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute"}
    instance = str(root / "instance")  # one state folder for all processes, as forum.service's StateDirectory
    if WORKERS_OPTION:  # `forum serve --workers 2` (FORUM_WORKERS): one port, two workers, metrics on m and m+1
        servers = [ForumServer(root / "forum", "forum", {**env, "FORUM_INSTANCE_PATH": instance,
                                                         "FORUM_METRICS_PORT": str(metrics_a)})]
        metrics_b, ports = metrics_a + 1, [first]
    else:  # two `forum serve` processes as nginx's upstream, sharing the Redis queue
        servers = [ForumServer(root / name, name, {**env, "FORUM_INSTANCE_PATH": instance,
                                                   "FORUM_METRICS_PORT": str(metrics)})
                   for name, metrics in (("a", metrics_a), ("b", metrics_b))]
        ports = [first, second]
    for server, port in zip(servers, ports):
        server.port, server.url = port, f"http://127.0.0.1:{port}"
    sink = SmtpSink(smtp_port)
    nginx = Nginx(root / "nginx", http_port=http_port, https_port=https_port, upstreams=ports,
                  nginx_address=NGINX_ADDRESS)
    try:
        # `forum serve` refuses a production configuration that fails `forum check`: this one passes
        assert problems({**servers[0].env, "FORUM_INSTANCE_PATH": str(root / "instance")}) == []
        _migrate_and_seed(root, database)  # `forum db upgrade` and `forum seed-demo`, without two CLI start-ups
        start_all(servers)
        nginx.start()
        url = f"https://{HOST}:{https_port}"
        wait_until(lambda: https_from("127.0.0.1", https_port, "GET", "/healthz")[0] == 200, 30, what="nginx")
        from sqlalchemy import create_engine, text

        engine = create_engine(database)
        with engine.connect() as conn:
            voting = conn.execute(text("SELECT id FROM proposals WHERE status = 'voting' ORDER BY id")).scalar()
        engine.dispose()
        yield {"url": url, "voting_proposal": voting, "https_port": https_port, "http_port": http_port, "servers": servers, "sink": sink,
               "metrics": [metrics_a, metrics_b], "nginx": nginx}
    finally:
        nginx.stop()
        for server in servers:
            server.stop()
        sink.stop()
        _drop_database(database)


def live_sockets(port: int) -> int:
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    match = re.search(r"^forum_live_connections (\S+)$", text, re.M)
    return int(float(match.group(1))) if match else 0


def test_static_files_and_redirects_come_from_nginx_as_shipped(deployed):
    port = deployed["https_port"]
    status, page = https_from("127.0.0.1", port, "GET", "/")
    assert status == 200
    css = re.search(r'href="(/static/css/forum\.[0-9a-f]{12}\.css)"', page).group(1)
    response = requests.get(deployed["url"] + css, verify=False, timeout=10)
    assert response.status_code == 200 and "forum_http" not in response.text
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["Server"] == "nginx"  # from disk, not through the forum
    plain = requests.get(deployed["url"] + "/static/css/forum.css", verify=False, timeout=10)
    assert plain.headers["Cache-Control"] == "no-cache" and plain.content == response.content
    forum_page = requests.get(deployed["url"] + "/", verify=False, timeout=10)
    assert forum_page.headers["Strict-Transport-Security"] == "max-age=31536000"  # from the forum, once
    redirect = requests.get(f"http://{HOST}:{deployed['http_port']}/councils", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"] == f"{deployed['url']}/councils"


def test_rate_limits_count_the_client_address_not_nginx(deployed):
    """Two clients on other addresses than nginx's: one exhausts the sign-in limit (also when it
    invents an X-Forwarded-For), the other still gets through; both processes count together."""
    port = deployed["https_port"]
    octets = secrets.randbelow(200) + 10
    first, second = f"127.0.{octets}.3", f"127.0.{octets}.4"

    def attempt(address: str, n: int, forged: str | None = None) -> int:
        headers = {"Content-Type": "application/json", **({"X-Forwarded-For": forged} if forged else {})}
        body = json.dumps({"email": f"niemand{n}-{octets}@example.org", "password": "falsch-falsch"})
        return https_from(address, port, "POST", "/api/v1/tokens", body, headers)[0]

    statuses = [attempt(first, n) for n in range(LOGIN_LIMIT)]
    assert statuses == [401] * LOGIN_LIMIT
    assert attempt(first, 99) == 429
    assert attempt(first, 98, forged="203.0.113.7") == 429  # nginx replaces what the client claims
    assert attempt(second, 97) == 401


@pytest.mark.browser
def test_register_vote_and_receive_a_live_message_through_the_other_process(deployed):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    url, sink = deployed["url"], deployed["sink"]
    metrics_a, metrics_b = deployed["metrics"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            def context():
                made = browser.new_context(base_url=url, locale="de-DE", ignore_https_errors=True)
                made.set_default_timeout(15_000)
                return made.new_page()

            def sign_in(page, email, password):
                page.goto("/login")
                page.get_by_label("E-Mail-Adresse").fill(email)
                page.get_by_label("Passwort", exact=True).fill(password)
                page.get_by_role("button", name="Anmelden").click()
                page.wait_for_load_state()
                assert "/login" not in page.url

            def open_room(page):
                page.goto(ROOM)
                expect(page.locator("[data-live-status]")).to_have_text(re.compile("Live verbunden"))

            # register over https through nginx and confirm with the link of the mail sent over SMTP
            person = context()
            person.goto("/register")
            email = f"nginx-{secrets.token_hex(4)}@example.org"
            person.get_by_label("Name", exact=True).fill("Nora Nginx")
            person.get_by_label("E-Mail-Adresse").fill(email)
            person.get_by_label("Passwort (mindestens 8 Zeichen)").fill("sicheres-passwort")
            person.get_by_label("Passwort wiederholen").fill("sicheres-passwort")
            person.get_by_role("button", name="Registrieren").click()
            person.wait_for_url(re.compile(r"/register/sent$"))
            mail = wait_until(lambda: [m for m in sink.mails if email in m], 20, what="the confirmation mail")[-1]
            link = extract_link(mail, "/confirm/")
            person.goto(link)
            person.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
            person.wait_for_url(re.compile(r"/login$"))
            sign_in(person, email, "sicheres-passwort")

            # vote on the demo proposal that is open for voting
            person.goto(f"/proposals/{deployed['voting_proposal']}")
            person.get_by_role("button", name="Dafür", exact=True).click()
            expect(person.get_by_text("Deine Stimme ist gezählt.")).to_be_visible()

            # the person watches the live room on one process; Anna writes through the other
            def sockets():
                return live_sockets(metrics_a), live_sockets(metrics_b)

            person.goto("/")  # no live panel here: no socket open anywhere
            wait_until(lambda: sockets() == (0, 0), 15, what="no socket open")
            open_room(person)
            watching = wait_until(lambda: sockets() if sum(sockets()) == 1 else None, 15, what="the person's socket")
            anna = context()
            sign_in(anna, "anna.schmidt@demo.example", DEMO_PASSWORD)
            for _ in range(20):  # until Anna's socket is on the other worker (nginx or the kernel picks)
                open_room(anna)
                both = wait_until(lambda: sockets() if sum(sockets()) == 2 else None, 15, what="Anna's socket")
                if both == (1, 1):
                    break
                anna.goto("/")  # leaves the room: her socket closes
                wait_until(lambda: sockets() == watching, 15, what="Anna's socket to close")
            else:
                pytest.fail("Anna's socket never reached the other worker")
            anna.get_by_label("Deine Nachricht").fill("Grüße über nginx und den anderen Prozess")
            anna.get_by_role("button", name="Senden").click()
            expect(person.locator(".live-message", has_text="Grüße über nginx")).to_be_visible()
        finally:
            browser.close()
