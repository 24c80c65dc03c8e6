import os

import pytest

from .smtp import SmtpServer


def _port() -> int:
    """One port per xdist worker inside this helper's range (8200–8299)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return int(os.environ.get("FORUM_TEST_SMTP_PORT_BASE", "8250")) + index


@pytest.fixture
def smtp(app):
    """A running aiosmtpd server; the app sends to it (FORUM_MAIL_URL)."""
    server = SmtpServer(_port()).start()
    app.config["MAIL_URL"] = server.url
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def deliver(app):
    """Run the mail worker once over what is due (at `now`, default: the present)."""
    from forum.mail.worker import deliver_due

    return deliver_due
