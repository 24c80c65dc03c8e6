"""The rate limiter's storage is down: reading and writing go on (fail open), signing in
answers a clear 503 (fail closed). Here the storage is a Redis URL nobody listens on; the
real Redis stopped and started again is in test_redis_outage.py."""
from __future__ import annotations

import pytest

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_limiter_app(app_factory):
    return app_factory(RATELIMIT_STORAGE_URI=DEAD_REDIS,
                       RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5})


def test_reading_and_writing_fail_open(dead_limiter_app):
    from forum.accounts.models import User
    from forum.accounts.services import create_confirmed_user
    from forum.extensions import db

    with dead_limiter_app.app_context():
        user = create_confirmed_user(email="l@example.org", name="Lesende", password="lange-genug",
                                     stakeholder="citizen")
        db.session.commit()
        session_id = user.get_id()
    client = dead_limiter_app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    with client.session_transaction() as session:  # signed in before the outage
        session["_user_id"] = session_id
        session["_fresh"] = True
    assert client.get("/profile").status_code == 200
    assert client.post("/profile/name", data={"name": "Schreibende"}).status_code == 302
    with dead_limiter_app.app_context():
        assert db.session.scalar(db.select(User.name).where(User.email == "l@example.org")) == "Schreibende"


def test_login_fails_closed_with_a_clear_message(dead_limiter_app):
    client = dead_limiter_app.test_client()
    assert client.get("/login").status_code == 200  # the form itself is reading
    page = client.post("/login", data={"email": "a@example.org", "password": "x" * 10})
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    assert "Schutz vor zu vielen Versuchen" in page.get_data(as_text=True)
    api = client.post("/api/v1/tokens", json={"email": "a@example.org", "password": "x" * 10})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "login_unavailable"
    register = client.post("/register", data={"email": "b@example.org"})
    assert register.status_code == 503


def test_storage_errors_are_counted_and_logged_once(dead_limiter_app, caplog):
    from forum.ops.metrics import exposition

    client = dead_limiter_app.test_client()
    for _ in range(3):
        client.post("/login", data={"email": "a@example.org", "password": "x" * 10})
    body = exposition(dead_limiter_app).decode()
    assert 'forum_ratelimit_storage_errors_total{outcome="closed"} 3.0' in body
    assert not [r for r in caplog.records if r.name == "flask-limiter" and r.exc_info]
