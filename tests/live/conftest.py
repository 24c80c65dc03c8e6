"""Socket fixtures: `sio(user)` connects a Flask-SocketIO test client to /live as that person."""
from __future__ import annotations

import pytest

from forum.extensions import socketio
from forum.rooms import NAMESPACE
from tests.conftest import PASSWORD, sign_in


@pytest.fixture(autouse=True)
def _presence_at_once(request):
    """Announce every presence change at once (production coalesces them for a second)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["LIVE_PRESENCE_DELAY"] = 0


@pytest.fixture
def sio(app):
    """sio(user=None, *, token=None, headers=None, auth=None) → a test client connected to /live.

    With `user`, it signs in with a session cookie; with `token=True` it
    authenticates with a fresh API token instead. The client's Flask test client is `client.http`."""
    clients = []

    def connect(user=None, *, token=None, headers=None, auth=None, password=PASSWORD):
        http = app.test_client()
        if user is not None and token is None:
            sign_in(http, user)
        if user is not None and token is True:
            response = http.post("/api/v1/tokens", json={"email": user.email, "password": password})
            token = response.get_json()["token"]
        if token is not None:
            auth = {"token": token}
        client = socketio.test_client(app, namespace=NAMESPACE, flask_test_client=http, auth=auth,
                                      headers=headers)
        client.http = http
        client.token = token
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected(NAMESPACE):
            client.disconnect(NAMESPACE)


def call(client, event: str, data) -> dict:
    """Emit `event` and return the server's acknowledgement."""
    return client.emit(event, data, namespace=NAMESPACE, callback=True)


def received(client, name: str | None = None) -> list:
    """The events the client got since the last look (optionally only `name`), as (name, payload)."""
    events = [(e["name"], _payload(e)) for e in client.get_received(NAMESPACE)]
    return [e for e in events if name is None or e[0] == name]


def _payload(event: dict):
    # the test client keeps the single argument of a "message" event unwrapped (Socket.IO's send())
    if event["name"] in ("message", "json"):
        return event["args"]
    return event["args"][0] if event["args"] else None


# The shared cast (tests.conftest.ACTORS / make_actor) as far as the live rooms tell people apart;
# `unverified_member` is an unverified organisation that belongs to the council (reads, never posts).
ROLES = ["anonymous", "citizen", "unverified_member", "council_member", "moderator", "other_moderator",
         "managing_director", "chair", "admin"]


@pytest.fixture
def person(make_actor):
    """person(role, council) → a user in that relation to `council` (None for anonymous)."""
    return make_actor
