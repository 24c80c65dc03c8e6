"""Which host the forum answers for and whom it believes about the client (issue 13, items 3 and 4):
FORUM_BASE_URL required in production, other hosts refused (except /healthz), X-Forwarded-* believed
for exactly FORUM_TRUSTED_PROXIES hops."""
import pytest

from forum.extensions import db, socketio

BASE = "https://forum.example"
EVIL = {"Host": "evil.example"}


@pytest.fixture
def twin(app, app_factory):
    """Another app with other settings on the test's database (SQLite or PostgreSQL, as `app`)."""
    return lambda **settings: app_factory(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **settings)


@pytest.fixture
def production(twin):
    """A production app on BASE."""
    return twin(ENV_NAME="production", BASE_URL=BASE)


def test_production_requires_a_base_url(monkeypatch, tmp_path):
    from config import Config

    monkeypatch.setenv("FORUM_ENV", "production")
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FORUM_SECRET_KEY", "x" * 40)
    monkeypatch.delenv("FORUM_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="FORUM_BASE_URL"):
        Config.from_env()
    monkeypatch.setenv("FORUM_BASE_URL", "https://forum.example/")
    assert Config.from_env().BASE_URL == BASE


@pytest.mark.parametrize("value", ["forum.example", "ftp://forum.example", "https://", "https://forum.example/?x=1",
                                   "https://user:pw@forum.example", "https://forum.example:99999"])
def test_a_base_url_that_is_no_address_is_a_config_error(monkeypatch, tmp_path, value):
    from config import Config

    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FORUM_BASE_URL", value)
    with pytest.raises(RuntimeError, match="FORUM_BASE_URL"):
        Config.from_env()


def test_trusted_proxies_is_a_whole_number(monkeypatch, tmp_path):
    from config import Config

    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FORUM_TRUSTED_PROXIES", raising=False)
    assert Config.from_env().TRUSTED_PROXIES == 0
    monkeypatch.setenv("FORUM_TRUSTED_PROXIES", "2")
    assert Config.from_env().TRUSTED_PROXIES == 2
    monkeypatch.setenv("FORUM_TRUSTED_PROXIES", "ja")
    with pytest.raises(RuntimeError, match="FORUM_TRUSTED_PROXIES"):
        Config.from_env()


def test_production_from_the_environment_trusts_only_the_base_urls_host(monkeypatch, tmp_path):
    from config import Config
    from forum import create_app

    monkeypatch.setenv("FORUM_ENV", "production")
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FORUM_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("FORUM_DATABASE_URL", f"sqlite:///{tmp_path / 'forum.db'}")
    monkeypatch.setenv("FORUM_BASE_URL", "https://forum.example:8443/forum")
    assert create_app(Config.from_env()).config["TRUSTED_HOSTS"] == ["forum.example"]


def test_development_answers_any_host(app, client):
    assert app.config["TRUSTED_HOSTS"] is None
    assert client.get("/", headers=EVIL).status_code == 200


def test_production_refuses_other_hosts_but_healthz_answers_any(production):
    client = production.test_client()
    page = client.get("/", headers=EVIL)
    assert page.status_code == 400 and "eigenen Adresse" in page.get_data(as_text=True)
    api = client.get("/api/v1/proposals", headers=EVIL)
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "unknown_host"
    assert client.get("/", headers={"Host": "forum.example"}).status_code == 200
    assert client.get("/api/v1/proposals", headers={"Host": "forum.example"}).status_code == 200
    for host in ("evil.example", "10.0.0.5:8001", "forum.example"):
        health = client.get("/healthz", headers={"Host": host})
        assert health.status_code == 200 and health.get_json()["status"] == "ok"
    assert client.head("/healthz", headers=EVIL).status_code == 200
    assert client.post("/healthz", headers=EVIL).status_code == 400  # only the health check itself is exempt


def test_the_host_header_attack_in_production_mails_nobody(production, make_user, make_council, outbox):
    """The reproduced attack: a join request over the API with `Host: evil.example`."""
    moderator, person = make_user(), make_user()
    council = make_council(join_policy="request", moderators=[moderator])
    client = production.test_client()
    token = client.post("/api/v1/tokens", headers={"Host": "forum.example"},
                        json={"email": person.email, "password": "richtig-geheim"}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    refused = client.post(f"/api/v1/councils/{council.slug}/join-requests", headers={**auth, **EVIL}, json={})
    assert refused.status_code == 400 and outbox() == []
    made = client.post(f"/api/v1/councils/{council.slug}/join-requests", headers={**auth, "Host": "forum.example"},
                       json={})
    assert made.status_code == 201
    from forum.mail.worker import deliver_due

    with production.app_context():  # the worker renders with the installation's configuration
        deliver_due()
    [mail] = outbox()
    assert f"{BASE}/councils/{council.slug}" in mail and "evil.example" not in mail


def test_sockets_take_the_base_urls_origin_for_their_own(twin):
    based = twin(BASE_URL=BASE)
    assert socketio.server.eio.cors_allowed_origins == [BASE]
    http = based.test_client()
    own = http.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": BASE})
    assert own.status_code == 200
    # DNS rebinding: the browser names the attacker's host in both Host and Origin
    rebound = http.get("/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://evil.example", **EVIL})
    assert rebound.status_code == 400
    from forum.live.events import origin_allowed

    with based.app_context():
        assert origin_allowed({"HTTP_ORIGIN": BASE, "HTTP_HOST": "evil.example", "wsgi.url_scheme": "http"})
        assert not origin_allowed({"HTTP_ORIGIN": "http://evil.example", "HTTP_HOST": "evil.example",
                                   "wsgi.url_scheme": "http"})


def test_forwarded_headers_are_ignored_without_trusted_proxies(app):
    from forum.live.events import origin_allowed

    forged = {"HTTP_ORIGIN": "https://evil.example", "HTTP_HOST": "localhost", "wsgi.url_scheme": "http",
              "HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "https"}
    assert not origin_allowed(forged)


# --- Behind a reverse proxy ------------------------------------------------------------------------------

def _failed_logins(client, n, forwarded_for, email):
    """Whether each of `n` wrong passwords was refused by the rate limit (429) rather than checked (401)."""
    statuses = [client.post("/login", data={"email": email, "password": "falsch-falsch"},
                            headers={"X-Forwarded-For": forwarded_for() if callable(forwarded_for) else forwarded_for}
                            ).status_code for _ in range(n)]
    assert set(statuses) <= {401, 429}, statuses
    return [status == 429 for status in statuses]


def test_behind_one_trusted_proxy_each_client_has_its_own_login_limit(twin):
    proxied = twin(TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="3 per minute")
    client = proxied.test_client()  # every request comes from 127.0.0.1, the proxy
    assert _failed_logins(client, 4, "203.0.113.7", "a@example.org") == [False, False, False, True]
    assert _failed_logins(client, 3, "203.0.113.8", "b@example.org") == [False, False, False]
    # a client cannot pose as another by sending its own header: the proxy appends the real address
    assert _failed_logins(client, 1, "203.0.113.9, 203.0.113.7", "c@example.org") == [True]


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit(twin):
    plain = twin(LOGIN_RATE_LIMIT="3 per minute")
    client = plain.test_client()
    addresses = iter(f"198.51.100.{n}" for n in range(1, 100))
    statuses = _failed_logins(client, 4, lambda: next(addresses), "a@example.org")
    assert statuses == [False, False, False, True]


def test_behind_a_trusted_proxy_links_follow_the_forwarded_scheme_and_host(twin, make_meeting):
    meeting = make_meeting()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "forum.example", "X-Forwarded-For": "203.0.113.7"}
    proxied = twin(TRUSTED_PROXIES=1).test_client()
    assert f"{BASE}/meetings/{meeting.id}".encode() in proxied.get(f"/meetings/{meeting.id}.ics", headers=forwarded).data
    plain = twin().test_client()
    body = plain.get(f"/meetings/{meeting.id}.ics", headers=forwarded).data
    assert b"forum.example" not in body and f"http://localhost/meetings/{meeting.id}".encode() in body


def test_the_rate_limit_key_and_the_request_see_the_client_behind_the_proxy(twin):
    from flask import request
    from flask_limiter.util import get_remote_address

    proxied = twin(TRUSTED_PROXIES=1)
    seen = {}

    @proxied.get("/_who")
    def who():
        seen.update(addr=request.remote_addr, key=get_remote_address(), scheme=request.scheme, host=request.host)
        return ""

    proxied.test_client().get("/_who", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7",
                                                "X-Forwarded-Proto": "https", "X-Forwarded-Host": "forum.example"})
    assert seen == {"addr": "203.0.113.7", "key": "203.0.113.7", "scheme": "https", "host": "forum.example"}
