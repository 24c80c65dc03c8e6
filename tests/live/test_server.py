"""The live channel on a real `forum serve` (gevent, WebSocket): origins and transport limits."""
from __future__ import annotations

import shutil
import time

import pytest

from tests.live.servers import ForumProcess, Listener, api_token, create_user


@pytest.fixture(scope="module")
def server(tmp_path_factory, _sqlite_template):
    root = tmp_path_factory.mktemp("live-serve")
    process = ForumProcess(root, {"FORUM_DATABASE_URL": f"sqlite:///{root / 'forum.db'}"})
    shutil.copyfile(_sqlite_template, root / "forum.db")  # migrated to head once per worker
    process.cli("seed-demo")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def writer_and_reader(server):
    """Two sockets on the server: a new managing director's (token) and a visitor's; closed afterwards."""
    email = f"ws-{time.monotonic_ns()}@example.org"
    create_user(server, email, role="managing_director")
    writer = Listener(server.url, auth={"token": api_token(server, email)})
    reader = Listener(server.url)
    yield writer, reader
    writer.close()
    reader.close()


def test_a_message_travels_over_a_real_websocket(writer_and_reader):
    writer, reader = writer_and_reader
    assert reader.call("join", {"room": "council:mobilitaet"})["ok"]
    ack = writer.call("post", {"room": "council:mobilitaet", "body": "Über WebSocket", "client_id": "ws-1"})
    assert ack["ok"]
    got = reader.wait_for(lambda e: e[0] == "message" and e[1]["id"] == ack["message"]["id"])
    assert [payload for _, payload in got] == [ack["message"]]


def test_a_foreign_origin_cannot_open_a_socket(server):
    import requests
    import socketio

    polling = server.url + "/socket.io/?EIO=4&transport=polling"
    assert requests.get(polling, headers={"Origin": "https://boese.example"}, timeout=5).status_code == 400
    assert requests.get(polling, headers={"Origin": server.url}, timeout=5).status_code == 200
    # the WebSocket upgrade is refused too (the client sees the refusal as an error, never a connection)
    with pytest.raises((socketio.exceptions.ConnectionError, ValueError)):
        Listener(server.url, origin="https://boese.example")
    own = Listener(server.url, origin=server.url)
    own.close()


def _raw_upgrade(server, origin: str) -> bytes:
    """A hand-written WebSocket upgrade request to /socket.io/; returns what the server answers first."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                     b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: %s\r\n\r\n"
                     % (server.port, origin.encode()))
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_refused_origin_gets_403_before_the_protocol_switch(server):
    refused = _raw_upgrade(server, "https://boese.example")
    assert refused.startswith(b"HTTP/1.1 403 "), refused[:200]
    assert b"Sec-WebSocket-Accept" not in refused and b"101" not in refused.split(b"\r\n")[0]
    own = _raw_upgrade(server, server.url)
    assert own.startswith(b"HTTP/1.1 101 "), own[:200]
    assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in own


def test_an_oversized_frame_closes_the_connection_and_stores_nothing(writer_and_reader):
    writer, reader = writer_and_reader
    reader.call("join", {"room": "council:mobilitaet"})
    writer.client.emit("post", {"room": "council:mobilitaet", "body": "x" * 100_000}, namespace="/live")
    assert writer.disconnected.wait(10), "the server kept a connection that sent more than 64 KiB"
    time.sleep(0.3)
    assert reader.wait_for(lambda e: e[0] == "message", timeout=0.5) == []
