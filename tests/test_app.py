"""App-wide behaviour: health, headers, error bodies, size limits, CSRF (the migration/model match:
tests/test_schema.py)."""
import os
import re

import pytest



def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "message_queue": "disabled",
                                   "worker": {"pid": os.getpid(), "slot": 0},
                                   "mail": {"pending": 0, "retrying": 0, "failed": 0, "oldest_pending_seconds": 0,
                                            "last_error": None}}


def test_healthz_names_failing_database(app_factory):
    broken = app_factory(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "failing" and "database" in body["failing"]


def test_healthz_names_failing_queue(app_factory):
    app = app_factory(MESSAGE_QUEUE="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["message_queue"] == "failing"


@pytest.mark.redis
def test_healthz_with_real_redis(app_factory):
    url = os.environ.get("FORUM_TEST_REDIS_URL")
    if not url:
        pytest.skip("FORUM_TEST_REDIS_URL is not set")
    app = app_factory(MESSAGE_QUEUE=url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["message_queue"] == "ok"


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "richtig-geheim"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_requires_secret_and_secure_cookies(monkeypatch, tmp_path):
    from config import Config

    monkeypatch.setenv("FORUM_ENV", "production")
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    monkeypatch.setenv("FORUM_BASE_URL", "https://forum.example")
    with pytest.raises(RuntimeError, match="FORUM_SECRET_KEY"):
        Config.from_env()
    monkeypatch.setenv("FORUM_SECRET_KEY", "x" * 40)
    assert Config.from_env().SESSION_COOKIE_SECURE is True


def test_not_found_html_and_json(client):
    page = client.get("/gibt-es-nicht")
    assert page.status_code == 404 and "Nicht gefunden" in page.get_data(as_text=True)
    api = client.get("/api/v1/gibt-es-nicht")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_too_large_request(client):
    big = "x" * (2 * 1024 * 1024)
    page = client.post("/login", data={"email": big, "password": "x"})
    assert page.status_code == 413 and "Zu groß" in page.get_data(as_text=True)
    api = client.post("/api/v1/tokens", data=big, content_type="application/json")
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "too_large"


def test_csrf_required_on_forms(csrf_app, make_user):
    client = csrf_app.test_client()
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "richtig-geheim"})
    assert response.status_code == 400
    assert "abgelaufen" in response.get_data(as_text=True)


def test_unexpected_error_is_a_clean_500(app, client):
    @app.get("/boom-test")
    def boom():
        raise RuntimeError("secret detail")

    page = client.get("/boom-test")
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert "secret detail" not in text and "Traceback" not in text


def test_favicon_is_served_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in icon.headers["Cache-Control"]
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert link, "no <link rel=icon> in the page"
    linked = client.get(link.group(1))
    assert linked.status_code == 200 and linked.data == icon.data
    # The Content-Security-Policy lets the page load its own icon.
    assert "img-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_405_names_the_allowed_methods(client):
    api = client.put("/api/v1/proposals")
    assert api.status_code == 405 and api.get_json()["error"]["code"] == "method_not_allowed"
    assert set(api.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    page = client.delete("/proposals")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
