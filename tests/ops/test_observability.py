"""Request logs (one JSON line per request) and the protected metrics endpoint."""
from __future__ import annotations

import json
import logging

import pytest


@pytest.fixture
def request_lines(caplog, monkeypatch):
    # Alembic's fileConfig (an earlier test's `upgrade()`) disables loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("forum.request"), "disabled", False)
    caplog.set_level(logging.INFO, logger="forum.request")

    def lines():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "forum.request"]
    return lines


def test_one_json_line_per_request_with_status_and_duration(client, request_lines):
    client.get("/")
    client.get("/gibt-es-nicht")
    client.get("/api/v1/me")
    entries = request_lines()
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/", 200), ("GET", "/gibt-es-nicht", 404), ("GET", "/api/v1/me", 401)]
    for entry in entries:
        assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
        assert entry["user_id"] is None and len(entry["request_id"]) == 32
    assert set(entries[0]) == {"ts", "method", "path", "endpoint", "status", "duration_ms", "user_id", "request_id"}


def test_log_names_the_signed_in_user_and_no_personal_data(client, login, make_user, request_lines):
    user = make_user(email="geheim@example.org", name="Erika Muster")
    login(user)
    client.get("/profile?email=geheim@example.org")
    entry = request_lines()[-1]
    assert entry["path"] == "/profile" and entry["user_id"] == user.id and entry["status"] == 200
    text = json.dumps(request_lines())
    assert "geheim@example.org" not in text and "Erika" not in text and "127.0.0.1" not in text


def test_secrets_in_the_path_and_query_are_not_logged(client, request_lines):
    client.get("/confirm/sehr.geheimes-token?next=/x&token=abc")
    entry = request_lines()[-1]
    assert entry["path"] == "/confirm/[redacted]"
    assert "geheimes" not in json.dumps(entry) and "abc" not in json.dumps(entry)


def test_request_id_is_taken_from_the_caller_or_made(client, request_lines):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-1234"})
    assert given.headers["X-Request-ID"] == "lb-1234" and request_lines()[-1]["request_id"] == "lb-1234"
    odd = client.get("/healthz", headers={"X-Request-ID": "bad id\"<script>"})
    assert odd.headers["X-Request-ID"] != "bad id\"<script>" and len(odd.headers["X-Request-ID"]) == 32


def test_metrics_are_not_public_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_bearer_token(app_factory):
    app = app_factory(METRICS_TOKEN="scrape-me")
    client = app.test_client()
    client.get("/")
    client.get("/gibt-es-nicht")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer falsch"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert 'forum_http_requests_total{endpoint="main.index",method="GET",status="200"} 1.0' in body
    assert 'status="404"' in body
    assert "forum_http_request_duration_seconds_bucket" in body
    assert "process_resident_memory_bytes" in body and "forum_live_connections" in body


def test_metrics_wsgi_app_serves_only_metrics(app):
    from werkzeug.test import Client

    from forum.ops.metrics import wsgi_app

    client = Client(wsgi_app(app))
    assert client.get("/metrics").status_code == 200
    assert client.get("/").status_code == 404
    assert client.post("/metrics").status_code == 404


def test_config_reads_the_metrics_variables(monkeypatch, tmp_path):
    from config import Config

    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FORUM_METRICS_PORT", "9464")
    monkeypatch.setenv("FORUM_METRICS_TOKEN", "t0ken")
    cfg = Config.from_env()
    assert cfg.METRICS_PORT == 9464 and cfg.METRICS_TOKEN == "t0ken" and cfg.METRICS_HOST == "127.0.0.1"


def test_each_worker_names_the_metrics_port_it_listens_on(app, capsys):
    """`forum serve --workers N`: worker k listens on FORUM_METRICS_PORT + k and says so."""
    from forum.prefork import _metrics_listener
    from forum.server import metrics_server

    app.config["METRICS_PORT"] = 9464
    for slot in (0, 1):
        metrics_server(app, _metrics_listener(app, slot))
    assert capsys.readouterr().err.splitlines() == ["Metriken auf http://127.0.0.1:9464/metrics",
                                                    "Metriken auf http://127.0.0.1:9465/metrics"]
