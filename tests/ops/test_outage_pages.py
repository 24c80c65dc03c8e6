"""The 503 answer when the database cannot be reached, without a real outage: the app points
at a PostgreSQL port nobody listens on (the real stop/start is test_database_outage.py)."""
from __future__ import annotations

import pytest

NOWHERE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


@pytest.fixture
def down_client(app_factory):
    return app_factory(SQLALCHEMY_DATABASE_URI=NOWHERE).test_client()


def _signed_in(client):
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"  # a session from before the outage
        session["_fresh"] = True
    return client


@pytest.mark.parametrize("path", ["/", "/profile", "/notifications", "/login"])
def test_pages_answer_503_even_when_the_user_loader_fails(down_client, path):
    response = _signed_in(down_client).get(path)
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Vorübergehend nicht erreichbar" in text and "Traceback" not in text and "psycopg" not in text
    assert response.headers["Retry-After"] == "15"


def test_api_answers_503_json(down_client):
    response = down_client.get("/api/v1/me", headers={"Authorization": "Bearer irgendwas"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"


def test_write_during_outage_answers_503(down_client):
    response = _signed_in(down_client).post("/profile/name", data={"name": "Neu"})
    assert response.status_code == 503


def test_static_page_when_the_layout_itself_needs_the_database(app_factory):
    from sqlalchemy import text

    from forum.extensions import db

    app = app_factory(SQLALCHEMY_DATABASE_URI=NOWHERE)

    @app.context_processor
    def _needs_database():  # as a feature's navigation might
        return {"count": db.session.execute(text("SELECT 1")).scalar()}

    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "Vorübergehend nicht erreichbar" in response.get_data(as_text=True)


def test_database_errors_are_counted(app_factory):
    from forum.ops.metrics import exposition

    app = app_factory(SQLALCHEMY_DATABASE_URI=NOWHERE)
    app.test_client().get("/")
    assert "forum_database_errors_total 1.0" in exposition(app).decode()
