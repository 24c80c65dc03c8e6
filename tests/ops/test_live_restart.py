"""A `forum serve` process restarted while 20 clients discuss, and Redis stopped under live
rooms: every acknowledged message is stored exactly once, clients reconnect and catch up with
`join … since`, and live updates resume by themselves when Redis is back.

Two processes share one SQLite database and a private redis-server (the message queue);
half of the clients talk to each. Needs the live channel (forum/live/events.py).
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest
import requests

from .livechat import Discussant
from .services import RedisServer, csrf_token, server_pair, sign_in, wait_until

pytestmark = pytest.mark.redis

CLIENTS = 20
PASSWORD = "live-passwort"
ROOM_SLUG = "betriebstest"


def prepare(root, url: str) -> list[str]:
    """Migrate; a council with CLIENTS members; one API token each (returned)."""
    from flask_migrate import upgrade

    from forum.accounts.services import create_confirmed_user, issue_token
    from forum.councils.models import Council, Membership
    from forum.extensions import db

    from ..conftest import _make_app

    app = _make_app(root / "setup", url)
    tokens = []
    with app.app_context():
        upgrade()
        council = Council(slug=ROOM_SLUG, name="Fachbeirat Betrieb", mandate="Testet den Betrieb", description="",
                          visibility="public", join_policy="open")
        db.session.add(council)
        db.session.flush()
        for n in range(CLIENTS):
            user = create_confirmed_user(email=f"rat{n}@example.org", name=f"Rat {n}", password=PASSWORD,
                                         stakeholder="citizen")
            db.session.add(Membership(council_id=council.id, user_id=user.id, role="member"))
            tokens.append(issue_token(user))
        council.members_count = CLIENTS
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


@pytest.fixture
def live_cluster(tmp_path):
    if not os.environ.get("FORUM_TEST_REDIS_URL"):
        pytest.skip("FORUM_TEST_REDIS_URL is not set")
    pytest.importorskip("forum.live.events", reason="needs the live channel (forum/live/events.py)")
    redis_server = RedisServer(tmp_path / "redis")
    redis_server.start()
    url = f"sqlite:///{tmp_path / 'forum.db'}"
    tokens = prepare(tmp_path, url)
    env = {"FORUM_DATABASE_URL": url, "FORUM_MESSAGE_QUEUE": redis_server.url(0),
           "FORUM_RATELIMIT_STORAGE_URL": redis_server.url(1)}
    with server_pair(tmp_path, env) as servers:
        yield servers, redis_server, tokens, tmp_path / "forum.db"
    redis_server.stop()


def _stored(db_path) -> list[tuple[int, int, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT id, author_id, client_id FROM live_messages WHERE room = ? ORDER BY id",
                            (f"council:{ROOM_SLUG}",)).fetchall()


def _discuss(people, rounds: int, tag: str, deadline: float, pause: float = 1.1) -> None:
    def talk(person):
        for k in range(rounds):
            person.post(f"{tag}-{person.name}-{k}", f"Beitrag {k} von {person.name} ({tag})", deadline)
            time.sleep(pause)
    threads = [threading.Thread(target=talk, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _connect_all(servers, tokens) -> list[Discussant]:
    people = []
    for n, token in enumerate(tokens):
        person = Discussant(servers[n % 2].url, token, f"council:{ROOM_SLUG}", f"p{n}")
        person.connect()
        people.append(person)
    for person in people:
        assert person.joined.wait(15), f"{person.name} did not join"
    return people


def test_restart_while_twenty_clients_discuss(live_cluster):
    servers, _redis, tokens, db_path = live_cluster
    people = _connect_all(servers, tokens)
    try:
        deadline = time.monotonic() + 90
        talking = threading.Thread(target=_discuss, args=(people, 8, "a", deadline))
        talking.start()
        time.sleep(3)
        servers[0].stop()  # SIGTERM in the middle of the discussion
        servers[0].start()
        talking.join()
        _discuss(people, 2, "b", deadline)  # everyone, the reconnected ones too, goes on talking
        for person in people:
            assert len(person.acked) == 10, f"{person.name} got {len(person.acked)} acknowledgements"

        stored = _stored(db_path)
        ids = [row[0] for row in stored]
        keys = [(row[1], row[2]) for row in stored]
        assert len(keys) == len(set(keys)), "a message was stored twice"
        acked = {mid for person in people for mid in person.acked.values()}
        assert acked <= set(ids), "an acknowledged message is missing"
        assert len(stored) == CLIENTS * 10, "every post is stored exactly once"

        # Everyone has seen everything since they first joined (events + join … since).
        for person in people:
            person.catch_up()
            missing = {i for i in ids if i > person.first_since} - person.seen
            assert not missing, f"{person.name} never saw {sorted(missing)[:5]}"
            assert person.duplicates_in_joins == 0
        assert any(p.joins > 1 for p in people[::2]), "clients of the restarted process rejoined"
    finally:
        for person in people:
            person.close()


def test_live_updates_resume_after_redis_returns(live_cluster):
    servers, redis_server, tokens, db_path = live_cluster
    listener = Discussant(servers[0].url, tokens[0], f"council:{ROOM_SLUG}", "listener")
    speaker = Discussant(servers[1].url, tokens[1], f"council:{ROOM_SLUG}", "speaker")
    for person in (listener, speaker):
        person.connect()
        assert person.joined.wait(15)
    try:
        first = speaker.post("vorher", "Vor dem Ausfall", time.monotonic() + 20)
        wait_until(lambda: first in listener.seen, 10, what="delivery across processes")
        browser = sign_in(servers[1].url, "rat1@example.org", PASSWORD)  # before: sign-in fails closed then
        form = csrf_token(browser.get(servers[1].url + f"/live/rooms/council/{ROOM_SLUG}", timeout=10).text)
        redis_server.stop()
        # Posting over HTTP (the no-JavaScript form) goes on while the queue is down.
        posted = browser.post(servers[1].url + f"/live/rooms/council/{ROOM_SLUG}/messages",
                              data={"body": "Während des Ausfalls", "client_id": "waehrend", "csrf_token": form},
                              allow_redirects=False, timeout=10)
        assert posted.status_code == 302
        during = next(row[0] for row in _stored(db_path) if row[2] == "waehrend")
        # … and over the socket: stored and acknowledged (presence and rate limits fail open).
        answer = speaker.client.call("post", {"room": f"council:{ROOM_SLUG}", "body": "Über den Socket im Ausfall",
                                              "client_id": "socket-waehrend"}, namespace="/live", timeout=15)
        assert answer and answer.get("ok"), answer
        assert any(row[2] == "socket-waehrend" for row in _stored(db_path))
        # A phone connecting now still joins and reads the room (presence is counted again later).
        late = Discussant(servers[0].url, tokens[2], f"council:{ROOM_SLUG}", "late")
        late.connect()
        assert late.joined.wait(15) and late.joins == 1
        late.close()
        assert requests.get(servers[1].url + "/healthz", timeout=10).json()["message_queue"] == "failing"
        time.sleep(3)
        redis_server.start()
        wait_until(lambda: requests.get(servers[0].url + "/healthz", timeout=10).status_code == 200, 30,
                   what="healthz ok")

        def delivered_live():
            mid = speaker.post(f"nachher-{time.monotonic_ns()}", "Nach dem Ausfall", time.monotonic() + 10)
            time.sleep(1)
            return mid in listener.seen
        wait_until(delivered_live, 90, interval=1, what="live delivery after Redis returned")
        listener.catch_up()
        assert during in listener.seen  # what the outage swallowed comes back with join … since
    finally:
        listener.close()
        speaker.close()
