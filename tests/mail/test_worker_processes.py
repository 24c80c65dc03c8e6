"""The worker as an operator runs it: the greenlet in `forum serve` and `forum mail-worker`, each
sending a mail that waits in the outbox of an SQLite database to a real SMTP server."""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import _port
from .smtp import SmtpServer

FORUM = str(Path(sys.executable).with_name("forum"))


@pytest.fixture
def operator(tmp_path, _sqlite_template):
    server = SmtpServer(_port()).start()
    database = tmp_path / "mail.db"
    shutil.copyfile(_sqlite_template, database)
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "inst"), "FORUM_DATABASE_URL": f"sqlite:///{database}",
           "FORUM_SECRET_KEY": "mail-test", "FORUM_MAIL_URL": server.url, "FORUM_MAIL_POLL_SECONDS": "0.2",
           "FORUM_MAIL_FROM": "Forum <forum@example.org>"}
    env.pop("FORUM_ENV", None)
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO mail_outbox (kind, to_addr, subject, body, status, attempts, next_attempt_at, "
                     "created_at) VALUES ('plain', 'wartet@example.org', 'Aus der Warteschlange', 'Text', 'pending', "
                     "0, datetime('now'), datetime('now'))")
    try:
        yield env, server, database
    finally:
        server.stop()


def _wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _status(database) -> str:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT status FROM mail_outbox").fetchone()[0]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_forum_serve_sends_the_outbox_from_its_greenlet(operator):
    env, smtp, database = operator
    process = subprocess.Popen([FORUM, "serve", "--port", str(_free_port())], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: smtp.to("wartet@example.org")), "the mail did not arrive"
        assert _wait_for(lambda: _status(database) == "sent")
    finally:
        process.terminate()
        process.communicate(timeout=20)
    [mail] = smtp.to("wartet@example.org")
    assert mail["From"] == "Forum <forum@example.org>" and mail["Subject"] == "Aus der Warteschlange"


def test_forum_serve_leaves_the_mail_to_a_separate_worker_when_told(operator):
    env, smtp, database = operator
    env = {**env, "FORUM_MAIL_WORKER": "off"}
    server = subprocess.Popen([FORUM, "serve", "--port", str(_free_port())], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        assert smtp.messages == [] and _status(database) == "pending"
        worker = subprocess.Popen([FORUM, "mail-worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
        try:
            assert _wait_for(lambda: _status(database) == "sent"), "the worker did not send"
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=20) == 0
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert len(smtp.to("wartet@example.org")) == 1
