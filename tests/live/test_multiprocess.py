"""Two `forum serve` processes sharing PostgreSQL and relaying through Redis, as in production."""
from __future__ import annotations

import os
import time

import pytest

from tests.live.servers import ForumProcess, Listener, api_token, browser_session, create_user, csrf_from

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
DATABASE_URL = os.environ.get("FORUM_TEST_DATABASE_URL")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two processes A and B on one database and one message queue, with a council and a member."""
    if not REDIS_URL or not DATABASE_URL:
        pytest.skip("FORUM_TEST_REDIS_URL and FORUM_TEST_DATABASE_URL are needed")
    import redis
    from sqlalchemy import create_engine, text

    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    queue = redis.Redis.from_url(REDIS_URL)
    for key in queue.scan_iter("forum:live:*"):
        queue.delete(key)
    root = tmp_path_factory.mktemp("cluster")
    env = {"FORUM_DATABASE_URL": DATABASE_URL, "FORUM_MESSAGE_QUEUE": REDIS_URL}
    a, b = ForumProcess(root / "a", env), ForumProcess(root / "b", env)
    a.cli("db", "upgrade")
    anna = create_user(a, "anna@example.org", name="Anna Schmidt")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO councils (slug, name, mandate, description, visibility, join_policy, "
                          "created_at, members_count) VALUES ('mobilitaet', 'Fachbeirat Mobilität', '', '', "
                          "'public', 'open', now(), 1)"))
        conn.execute(text("INSERT INTO memberships (council_id, user_id, role, created_at) "
                          "SELECT id, :uid, 'member', now() FROM councils WHERE slug = 'mobilitaet'"), {"uid": anna})
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        for key in queue.scan_iter("forum:live:*"):
            queue.delete(key)


ROOM = "council:mobilitaet"


def messages(listener: Listener, message_id: int, settle: float = 0.5) -> list:
    """The `message` events with this id, after waiting for the first and a moment for any duplicate."""
    found = listener.wait_for(lambda e: e[0] == "message" and e[1]["id"] == message_id)
    if found:
        time.sleep(settle)
    return [e for e in listener.events if e[0] == "message" and e[1]["id"] == message_id]


def test_a_message_posted_on_one_process_arrives_on_the_other_exactly_once(cluster):
    a, b = cluster
    writer = Listener(a.url, auth={"token": api_token(a, "anna@example.org")})
    reader = Listener(b.url)
    try:
        assert writer.call("join", {"room": ROOM})["ok"] and reader.call("join", {"room": ROOM})["ok"]
        ack = writer.call("post", {"room": ROOM, "body": "Grüße von Prozess A", "client_id": "mp-1"})
        assert ack["ok"]
        assert [p for _, p in messages(reader, ack["message"]["id"])] == [ack["message"]]
        assert len(messages(writer, ack["message"]["id"], settle=0)) == 1
        again = writer.call("post", {"room": ROOM, "body": "Grüße von Prozess A", "client_id": "mp-1"})
        assert again == ack
        assert len(messages(reader, ack["message"]["id"])) == 1
    finally:
        writer.close()
        reader.close()


def test_an_http_form_post_on_one_process_reaches_a_socket_on_the_other(cluster):
    a, b = cluster
    reader = Listener(b.url)
    try:
        assert reader.call("join", {"room": ROOM})["ok"]
        session = browser_session(a, "anna@example.org")
        csrf = csrf_from(session, a.url + "/live/rooms/council/mobilitaet")
        response = session.post(a.url + "/live/rooms/council/mobilitaet/messages",
                                data={"body": "Ohne JavaScript gesendet", "csrf_token": csrf}, allow_redirects=False,
                                timeout=5)
        assert response.status_code == 302 and "#live-message-" in response.headers["Location"]
        message_id = int(response.headers["Location"].rsplit("-", 1)[1])
        got = messages(reader, message_id)
        assert len(got) == 1 and got[0][1]["body_html"] == "<p>Ohne JavaScript gesendet</p>"
    finally:
        reader.close()


def test_a_process_that_serves_no_sockets_emits_through_the_queue(cluster):
    """What a CLI command or a worker does: build the app, emit, exit."""
    import subprocess
    import sys

    a, b = cluster
    reader = Listener(b.url)
    script = ("from forum import create_app\n"
              "from forum.broadcast import emit_to_room\n"
              "app = create_app()\n"
              "with app.app_context():\n"
              "    emit_to_room('council:mobilitaet', 'votes', {'proposal_id': 7, 'votes': {'total': 3}})\n")
    try:
        assert reader.call("join", {"room": ROOM})["ok"]
        subprocess.run([sys.executable, "-c", script], env=a.env, check=True, timeout=60)
        got = reader.wait_for(lambda e: e[0] == "votes")
        assert [p for _, p in got] == [{"proposal_id": 7, "votes": {"total": 3}}]
    finally:
        reader.close()


def test_presence_is_counted_across_processes(cluster):
    a, b = cluster
    first, second = Listener(a.url), Listener(b.url)
    try:
        start = first.call("join", {"room": "council:mobilitaet"})["presence"]
        assert second.call("join", {"room": "council:mobilitaet"})["presence"] == start + 1
        seen = first.wait_for(lambda e: e[0] == "presence" and e[1]["count"] == start + 1)
        assert seen
    finally:
        first.close()
        second.close()


def test_logout_on_one_process_closes_the_persons_socket_on_the_other(cluster):
    a, b = cluster
    session = browser_session(a, "anna@example.org")
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    socket_on_b = Listener(b.url, headers={"Cookie": cookie})
    try:
        ack = socket_on_b.call("post", {"room": ROOM, "body": "Per Sitzungscookie auf B"})
        assert ack["ok"] and ack["message"]["author"]["name"] == "Anna Schmidt"
        csrf = csrf_from(session, a.url + "/")
        session.post(a.url + "/logout", data={"csrf_token": csrf}, allow_redirects=False, timeout=5)
        assert socket_on_b.disconnected.wait(10)
    finally:
        socket_on_b.close()


def test_an_http_vote_on_one_process_updates_votes_on_the_other(cluster):
    """A business votes over the API on A; a reader on B sees the `votes` fact with the breakdown."""
    import requests

    a, b = cluster
    create_user(a, "md@example.org", name="Neven Josipovic", role="managing_director")
    create_user(a, "firma@example.org", name="Katrin Vogel", stakeholder="business", organisation="Stadtwerke")
    author = {"Authorization": "Bearer " + api_token(a, "anna@example.org")}
    director = {"Authorization": "Bearer " + api_token(a, "md@example.org")}
    business = {"Authorization": "Bearer " + api_token(a, "firma@example.org")}
    created = requests.post(a.url + "/api/v1/proposals", headers=author, timeout=5,
                            json={"title": "WLAN in der Innenstadt ausbauen", "body": "Mehr Zugangspunkte."})
    assert created.status_code == 201, created.text
    proposal_id = created.json()["id"]
    opened = requests.patch(f"{a.url}/api/v1/proposals/{proposal_id}", headers=director, timeout=5,
                            json={"status": "voting"})
    assert opened.status_code == 200, opened.text
    reader = Listener(b.url)
    try:
        assert reader.call("join", {"room": f"proposal:{proposal_id}"})["ok"]
        vote = requests.put(f"{a.url}/api/v1/proposals/{proposal_id}/vote", headers=business, timeout=5,
                            json={"choice": "for"})
        assert vote.status_code == 200, vote.text
        got = reader.wait_for(lambda e: e[0] == "votes" and e[1]["proposal_id"] == proposal_id)
        assert len(got) == 1
        votes = got[0][1]["votes"]
        assert votes["for"] == 1 and votes["total"] == 1
        assert votes["by_stakeholder"]["business"] == {"for": 1, "against": 0, "abstain": 0}
    finally:
        reader.close()


def test_a_member_removed_on_one_process_hears_nothing_more_on_the_other(cluster):
    """The eviction travels on the queue: Ben's socket on B leaves the private room when the
    managing director removes him on A; Anna on B still hears what is said there."""
    import requests

    a, b = cluster
    create_user(a, "md-evict@example.org", name="Geschäftsführung", role="managing_director")
    ben = create_user(a, "ben@example.org", name="Ben Berger")
    anna_token = api_token(a, "anna@example.org")
    anna = requests.get(a.url + "/api/v1/me", headers={"Authorization": f"Bearer {anna_token}"}, timeout=5).json()["id"]
    md = {"Authorization": f"Bearer {api_token(a, 'md-evict@example.org')}"}
    created = requests.post(a.url + "/api/v1/councils", json={"name": "Vertraulicher Beirat", "description": "",
                                                             "visibility": "private"}, headers=md, timeout=5)
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    for person in (anna, ben):
        added = requests.post(f"{a.url}/api/v1/councils/{slug}/members", json={"user_id": person}, headers=md,
                              timeout=5)
        assert added.status_code == 201, added.text
    room = f"council:{slug}"
    removed = Listener(b.url, auth={"token": api_token(a, "ben@example.org")})
    stays = Listener(b.url, auth={"token": anna_token})
    speaker = Listener(a.url, auth={"token": md["Authorization"].split()[1]})
    try:
        assert removed.call("join", {"room": room})["ok"] and stays.call("join", {"room": room})["ok"]
        gone = requests.delete(f"{a.url}/api/v1/councils/{slug}/members/{ben}", headers=md, timeout=5)
        assert gone.status_code == 204
        ack = speaker.call("post", {"room": room, "body": "Vertraulich: nur für Mitglieder"})
        assert ack["ok"]
        assert stays.wait_for(lambda e: e[0] == "message" and e[1]["id"] == ack["message"]["id"])
        assert removed.wait_for(lambda e: e[0] == "message" and e[1]["id"] == ack["message"]["id"], timeout=2) == []
        assert removed.call("join", {"room": room})["error"]["code"] == "not_found"
    finally:
        for listener in (removed, stays, speaker):
            listener.close()
