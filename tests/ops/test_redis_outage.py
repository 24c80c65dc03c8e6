"""Redis (Socket.IO message queue and rate-limit storage) stopped under two `forum serve`
processes and started again. The test runs its own redis-server (port 6390+); the machine's
Redis on 6379 is never touched.

While Redis is away: reading and writing over HTTP go on, /healthz names message_queue as
failing, signing in fails closed with a clear 503. When it is back: /healthz is ok, signing in
works, and live messages posted on one process reach clients of the other again (the live part
needs the live channel, forum/live/events.py).
"""
from __future__ import annotations

import os
import time

import pytest
import requests

from .services import RedisServer, api_token, csrf_token, prepare_database, server_pair, sign_in, wait_until

pytestmark = pytest.mark.redis

PASSWORD = "redis-passwort"
OUTAGE_SECONDS = float(os.environ.get("FORUM_TEST_OUTAGE_SECONDS", "8"))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    if not os.environ.get("FORUM_TEST_REDIS_URL"):
        pytest.skip("FORUM_TEST_REDIS_URL is not set")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cluster(redis_server, tmp_path_factory):
    """Two forum processes sharing one SQLite database and the private Redis."""
    root = tmp_path_factory.mktemp("forum-redis")
    env = {"FORUM_DATABASE_URL": f"sqlite:///{root / 'forum.db'}", "FORUM_MESSAGE_QUEUE": redis_server.url(0),
           "FORUM_RATELIMIT_STORAGE_URL": redis_server.url(1)}
    prepare_database(root, env["FORUM_DATABASE_URL"], [dict(
        email="leser@example.org", name="Leserin", password=PASSWORD, stakeholder="citizen", role="chair")])
    with server_pair(root, env) as servers:
        yield servers


def test_http_keeps_working_while_redis_is_down(redis_server, cluster):
    first, second = cluster
    browser = sign_in(first.url, "leser@example.org", PASSWORD)
    headers = api_token(second.url, "leser@example.org", PASSWORD)
    token = csrf_token(browser.get(first.url + "/profile", timeout=10).text)
    anonymous = requests.Session()
    login_token = csrf_token(anonymous.get(second.url + "/login", timeout=10).text)
    assert requests.get(first.url + "/healthz", timeout=10).json()["message_queue"] == "ok"

    redis_server.stop()
    try:
        started = time.monotonic()
        round_ = 0
        while True:
            for server in cluster:
                health = requests.get(server.url + "/healthz", timeout=10)
                assert health.status_code == 503
                assert health.json()["message_queue"] == "failing" and health.json()["database"] == "ok"
                assert requests.get(server.url + "/", timeout=10).status_code == 200
                assert requests.get(server.url + "/councils", timeout=10).status_code in (200, 404)
                assert requests.get(server.url + "/api/v1/me", headers=headers, timeout=10).status_code == 200
            renamed = browser.post(first.url + "/profile/name", data={"name": f"Leserin {round_}", "csrf_token": token},
                                   allow_redirects=False, timeout=10)
            assert renamed.status_code == 302
            # Signing in fails closed: nothing would count password guesses now.
            login = anonymous.post(second.url + "/login", data={"email": "leser@example.org", "password": PASSWORD,
                                                                 "csrf_token": login_token}, timeout=10)
            assert login.status_code == 503 and "Schutz vor zu vielen Versuchen" in login.text, login.text[-3000:]
            tokens = requests.post(second.url + "/api/v1/tokens", json={"email": "leser@example.org",
                                                                       "password": PASSWORD}, timeout=10)
            assert tokens.status_code == 503 and tokens.json()["error"]["code"] == "login_unavailable"
            round_ += 1
            if time.monotonic() - started >= OUTAGE_SECONDS:
                break
            time.sleep(1)
    finally:
        redis_server.start()

    for server in cluster:
        wait_until(lambda s=server: requests.get(s.url + "/healthz", timeout=10).status_code == 200, 30,
                   what="healthz 200")
    wait_until(lambda: anonymous.post(second.url + "/login", data={"email": "leser@example.org",
                                                                   "password": PASSWORD, "csrf_token": login_token},
                                      allow_redirects=False, timeout=10).status_code == 302, 10, what="login again")
    me = requests.get(first.url + "/api/v1/me", headers=headers, timeout=10).json()
    assert me["name"] == f"Leserin {round_ - 1}"
    for server in cluster:
        assert server.process.poll() is None
        assert "Traceback" not in server.errors_log()


def test_voting_and_posting_proposals_while_redis_is_down(redis_server, cluster):
    """Needs the proposals feature (votes and comments over the API)."""
    pytest.importorskip("forum.proposals.voting", reason="needs proposals with voting (forum/proposals/voting.py)")
    from sqlalchemy import create_engine, text

    first, second = cluster
    headers = api_token(first.url, "leser@example.org", PASSWORD)
    created = requests.post(first.url + "/api/v1/proposals", headers=headers, timeout=10,
                            json={"title": "WLAN in der Innenstadt", "body": "Freies WLAN am Schloss."})
    assert created.status_code == 201, created.text
    proposal_id = created.json()["id"]
    engine = create_engine(first.env["FORUM_DATABASE_URL"])
    with engine.begin() as conn:  # open the vote as a moderator would
        conn.execute(text("UPDATE proposals SET status = 'voting' WHERE id = :id"), {"id": proposal_id})
    engine.dispose()

    redis_server.stop()
    try:
        voted = requests.put(second.url + f"/api/v1/proposals/{proposal_id}/vote", headers=headers,
                             json={"choice": "for"}, timeout=10)
        assert voted.status_code == 200, voted.text
        comment = requests.post(first.url + f"/api/v1/proposals/{proposal_id}/comments", headers=headers,
                                json={"body": "Auch ohne Redis gespeichert."}, timeout=10)
        assert comment.status_code == 201, comment.text
        posted = requests.post(second.url + "/api/v1/proposals", headers=headers, timeout=10,
                               json={"title": "Handy-Parken", "body": "Parken per App."})
        assert posted.status_code == 201, posted.text
    finally:
        redis_server.start()
    engine = create_engine(first.env["FORUM_DATABASE_URL"])
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT votes_for, comments_count FROM proposals WHERE id = :id"),
                              {"id": proposal_id}).one()
        titles = set(conn.execute(text("SELECT title FROM proposals")).scalars())
    engine.dispose()
    assert tuple(stored) == (1, 1) and "Handy-Parken" in titles
