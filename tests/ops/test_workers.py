"""`forum serve --workers N`: pre-forked workers on one port, relaying live messages through Redis.

Two workers (FORUM_WORKERS=2) on one SQLite file and the Redis of FORUM_TEST_REDIS_URL:
both answer requests; a message posted through one reaches a listener on the other; a killed
worker is started again; SIGTERM lets a request in flight finish; without a queue it refuses.
Which worker holds a connection is read from /proc (the worker's socket whose peer is the
client's port), so nothing here depends on luck or timing.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.live.servers import FORUM, ForumProcess, Listener, api_token, create_user

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
ROOM = "council:mobilitaet"


def wait_until(predicate, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def owner_of(client_port: int, pids) -> int | None:
    """The worker whose accepted socket has `client_port` as its peer (from /proc/net/tcp)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == client_port:
            inodes.add(fields[9])
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    return None


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def listener_port(listener: Listener) -> int:
    return listener.client.eio.ws.sock.getsockname()[1]


@pytest.fixture(scope="module")
def workers(tmp_path_factory, _sqlite_template):
    if not REDIS_URL:
        pytest.skip("FORUM_TEST_REDIS_URL is needed")
    root = tmp_path_factory.mktemp("workers")
    shutil.copyfile(_sqlite_template, root / "forum.db")
    server = ForumProcess(root, {"FORUM_DATABASE_URL": f"sqlite:///{root / 'forum.db'}",
                                 "FORUM_MESSAGE_QUEUE": REDIS_URL, "FORUM_WORKERS": "2"})
    server.cli("seed-demo")
    server.start()
    wait_until(lambda: len(children(server.process.pid)) == 2, what="two workers")
    yield server
    server.stop()


@pytest.mark.redis
def test_both_workers_answer_on_the_one_port(workers):
    pids = children(workers.process.pid)
    seen = set()
    for _ in range(200):
        with requests.get(workers.url + "/healthz", timeout=5) as response:  # a new connection each time
            assert response.status_code == 200
            seen.add(response.json()["worker"]["pid"])
        if seen == pids:
            break
    assert seen == pids
    slots = {requests.get(workers.url + "/healthz", timeout=5).json()["worker"]["slot"] for _ in range(40)}
    assert slots <= {0, 1}


@pytest.mark.redis
def test_a_message_through_one_worker_reaches_a_listener_on_the_other(workers):
    pids = children(workers.process.pid)
    email = f"w-{time.monotonic_ns()}@example.org"
    create_user(workers, email, role="managing_director")
    writer = Listener(workers.url, auth={"token": api_token(workers, email)})
    readers = []
    try:
        writer_pid = owner_of(listener_port(writer), pids)
        assert writer_pid in pids
        # connect until one listener sits on the other worker (the kernel picks; usually the 1st or 2nd)
        while not readers or owner_of(listener_port(readers[-1]), pids) == writer_pid:
            assert len(readers) < 40, "every connection landed on the writer's worker"
            readers.append(Listener(workers.url))
        reader = readers[-1]
        assert owner_of(listener_port(reader), pids) in pids - {writer_pid}
        assert reader.call("join", {"room": ROOM})["ok"] and writer.call("join", {"room": ROOM})["ok"]
        ack = writer.call("post", {"room": ROOM, "body": "Von Prozess zu Prozess", "client_id": "w-1"})
        assert ack["ok"]
        got = reader.wait_for(lambda e: e[0] == "message" and e[1]["id"] == ack["message"]["id"])
        assert [payload for _, payload in got] == [ack["message"]]
    finally:
        writer.close()
        for each in readers:
            each.close()


@pytest.mark.redis
def test_a_killed_worker_is_started_again(workers):
    before = children(workers.process.pid)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    after = wait_until(lambda: (c := children(workers.process.pid)) and len(c) == 2 and victim not in c and c,
                       what="a new worker")
    assert after - before and before - after == {victim}
    assert requests.get(workers.url + "/healthz", timeout=5).status_code == 200
    seen = {requests.get(workers.url + "/healthz", timeout=5).json()["worker"]["pid"] for _ in range(100)}
    assert victim not in seen and seen <= after


@pytest.mark.redis
def test_sigterm_lets_a_request_in_flight_finish(tmp_path, _sqlite_template):
    if not REDIS_URL:
        pytest.skip("FORUM_TEST_REDIS_URL is needed")
    shutil.copyfile(_sqlite_template, tmp_path / "forum.db")
    server = ForumProcess(tmp_path, {"FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}",
                                     "FORUM_MESSAGE_QUEUE": REDIS_URL, "FORUM_WORKERS": "2"}).start()
    try:
        body = json.dumps({"email": "niemand@example.org", "password": "falsch"}).encode()
        conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        # the request line, headers and half the body: the app is reading the body when SIGTERM comes
        conn.sendall(b"POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body[:10])
        wait_until(lambda: owner_of(conn.getsockname()[1], children(server.process.pid)), what="accepted")
        server.process.send_signal(signal.SIGTERM)
        wait_until(lambda: (server.root / "server.log").read_text().count("stopping (pid") == 2,
                   what="both workers draining")
        wait_until(lambda: refused(server.port), what="the port closed")  # no new connection is accepted
        assert server.process.poll() is None  # the supervisor waits for the request in flight
        conn.sendall(body[10:])
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        conn.close()
        head, _, payload = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 401"), answer[:300]
        assert json.loads(payload)["error"]["code"]
        assert server.process.wait(timeout=30) == 0
    finally:
        server.stop()


def test_more_than_one_worker_refuses_to_start_without_a_queue(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "FORUM_MESSAGE_QUEUE"}
    env.update({"FORUM_INSTANCE_PATH": str(tmp_path), "FORUM_SECRET_KEY": "x",
                "FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}"})
    for args, extra in ((["--workers", "2"], {}), ([], {"FORUM_WORKERS": "3"})):
        result = subprocess.run([FORUM, "serve", "--port", "1", *args], env={**env, **extra},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 78, result.stderr
        assert "FORUM_MESSAGE_QUEUE" in result.stderr
