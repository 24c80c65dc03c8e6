"""Mail over TLS to a real SMTP server (aiosmtpd) with a certificate from a throwaway CA (trustme):
SMTPS and STARTTLS deliver with a login; a certificate the machine does not trust, or one for another
host, sends nothing and keeps the mail for the next attempt, with the reason in /healthz; and a server
that asks for STARTTLS is never given the password in clear."""
from __future__ import annotations

import base64
import socket
import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from forum.extensions import db
from forum.mail import queue_mail

from .smtp import Recorder

USER, PASSWORD = "forum", "geheim-123"


class LoginRecorder(Recorder):
    """Accepts one user; remembers every login attempt and whether it came over TLS."""

    def __init__(self):
        super().__init__()
        self.logins: list[tuple[str, bool]] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        self.logins.append((login, server.transport.get_extra_info("ssl_object") is not None))
        ok = login == USER and auth_data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def ca():
    return trustme.CA()


@pytest.fixture
def trusted(ca, tmp_path, monkeypatch):
    """The machine's trust store holds the throwaway CA (OpenSSL reads SSL_CERT_FILE at every context)."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return bundle


def _server_context(ca, *hosts: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    return context


@pytest.fixture
def tls_server(ca):
    """tls_server(mode, hosts=("localhost",)): a running SMTPS ("smtps") or STARTTLS-only ("starttls")
    server with a certificate for `hosts`; returns (handler, port)."""
    controllers: list[Controller] = []

    def start(mode: str, hosts: tuple[str, ...] = ("localhost",)):
        handler = LoginRecorder()
        context = _server_context(ca, *hosts)
        port = _free_port()
        if mode == "smtps":  # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; here all is TLS
            controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context,
                                    authenticator=handler.authenticate, auth_require_tls=False)
        else:
            controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context,
                                    require_starttls=True, authenticator=handler.authenticate)
        controller.start()
        controllers.append(controller)
        return handler, port
    yield start
    for controller in controllers:
        controller.stop()


def _send_one(app, url: str, deliver, address: str = "tls@example.org"):
    app.config["MAIL_URL"] = url
    queue_mail(address, "Über TLS", "Verschlüsselt zugestellt.")
    db.session.commit()
    return deliver()


def test_smtps_delivers_with_a_login_over_tls(app, trusted, tls_server, deliver):
    handler, port = tls_server("smtps")
    outcome = _send_one(app, f"smtps://{USER}:{PASSWORD}@localhost:{port}", deliver)
    assert outcome.sent == 1
    assert handler.logins == [(USER, True)]
    assert [m["Subject"] for m in handler.messages] == ["Über TLS"]


def test_starttls_delivers_and_the_password_goes_only_after_the_switch(app, trusted, tls_server, deliver):
    handler, port = tls_server("starttls")
    outcome = _send_one(app, f"smtp://{USER}:{PASSWORD}@localhost:{port}?starttls=1", deliver)
    assert outcome.sent == 1
    assert handler.logins == [(USER, True)]
    assert handler.messages[0]["To"] == "tls@example.org"


def test_a_wrong_password_keeps_the_mail_for_the_next_attempt(app, client, trusted, tls_server, deliver):
    handler, port = tls_server("smtps")
    outcome = _send_one(app, f"smtps://{USER}:falsch@localhost:{port}", deliver)
    assert outcome.sent == 0 and outcome.retrying == 1
    assert handler.messages == []
    mail = client.get("/healthz").get_json()["mail"]
    assert mail["retrying"] == 1 and "SMTPAuthenticationError" in mail["last_error"]


@pytest.mark.parametrize("mode, url", [
    ("smtps", "smtps://{user}:{password}@localhost:{port}"),
    ("starttls", "smtp://{user}:{password}@localhost:{port}?starttls=1"),
])
def test_a_certificate_the_machine_does_not_trust_sends_nothing(app, client, tls_server, deliver, mode, url,
                                                                 tmp_path, monkeypatch):
    stranger = trustme.CA()  # the trust store holds another CA than the one that signed the server
    bundle = tmp_path / "other-ca.pem"
    stranger.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    handler, port = tls_server(mode)
    outcome = _send_one(app, url.format(user=USER, password=PASSWORD, port=port), deliver)
    assert outcome.sent == 0 and outcome.retrying == 1
    assert handler.logins == [] and handler.messages == []
    assert client.get("/healthz").get_json()["mail"]["last_error"] == "SSLCertVerificationError"


def test_a_certificate_for_another_host_sends_nothing(app, client, trusted, tls_server, deliver):
    handler, port = tls_server("smtps", hosts=("mail.example.org",))
    outcome = _send_one(app, f"smtps://{USER}:{PASSWORD}@localhost:{port}", deliver)
    assert outcome.sent == 0 and outcome.retrying == 1
    assert handler.logins == [] and handler.messages == []
    assert client.get("/healthz").get_json()["mail"]["last_error"] == "SSLCertVerificationError"


def test_a_server_that_requires_starttls_never_sees_the_password_in_clear(app, trusted, tls_server, deliver):
    """A mail URL without ?starttls=1 to the machine itself (allowed: nothing leaves it) meets a server
    that insists on TLS: the login is refused before the password is said, and the mail waits."""
    handler, port = tls_server("starttls")
    outcome = _send_one(app, f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}", deliver)
    assert outcome.sent == 0 and outcome.retrying == 1
    assert handler.logins == [] and handler.messages == []


def test_the_password_is_not_in_the_health_report(app, client, trusted, tls_server, deliver):
    _, port = tls_server("smtps")
    _send_one(app, f"smtps://{USER}:falsch@localhost:{port}", deliver)
    report = client.get("/healthz").get_data(as_text=True)
    assert "falsch" not in report and base64.b64encode(b"falsch").decode() not in report
