"""SQLite under 20 concurrent writers: no "database is locked" reaches anyone.

1. Through real `forum serve` processes (gevent), two of them on one SQLite file, 20 clients
   writing at once (API tokens issued and revoked, profile names changed).
2. The case that breaks SQLite under gevent without the write gate: 20 greenlets in one
   process, each yielding to the hub *inside* its write transaction (forum/ops/sqlite_writes.py).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .services import csrf_token, prepare_database, server_pair, sign_in

WRITERS = 20
ROUNDS = 5
PASSWORD = "schreib-passwort"


@pytest.fixture
def two_servers(tmp_path):
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    prepare_database(tmp_path, database, [dict(email=f"writer{n}@example.org", name=f"Schreiber {n}",
                                               password=PASSWORD, stakeholder="citizen") for n in range(WRITERS)])
    # Everyone here comes from 127.0.0.1: lift the per-address login limit for this test.
    env = {"FORUM_DATABASE_URL": database, "FORUM_LOGIN_RATE_LIMIT": "10000 per minute"}
    with server_pair(tmp_path, env) as servers:
        yield servers


def _writer(n: int, base: str) -> list[tuple[str, int, str]]:
    """One person writing ROUNDS times in a row; returns (what, status, body) of every answer."""
    email = f"writer{n}@example.org"
    seen = []
    browser = sign_in(base, email, PASSWORD)
    token = csrf_token(browser.get(base + "/profile", timeout=30).text)
    for round_ in range(ROUNDS):
        issued = requests.post(base + "/api/v1/tokens", json={"email": email, "password": PASSWORD}, timeout=60)
        seen.append(("issue", issued.status_code, issued.text))
        if issued.status_code == 201:
            revoked = requests.delete(base + "/api/v1/tokens/current", timeout=60,
                                      headers={"Authorization": f"Bearer {issued.json()['token']}"})
            seen.append(("revoke", revoked.status_code, revoked.text))
        renamed = browser.post(base + "/profile/name", data={"name": f"Schreiber {n}.{round_}", "csrf_token": token},
                               allow_redirects=False, timeout=60)
        seen.append(("rename", renamed.status_code, renamed.text))
    return seen


def test_twenty_writers_through_two_serve_processes(two_servers, tmp_path):
    import sqlite3

    first, second = two_servers
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(lambda n: _writer(n, (first, second)[n % 2].url), range(WRITERS)))
    answers = [a for person in results for a in person]
    assert len(answers) == WRITERS * ROUNDS * 3
    failures = [(what, status, body[:200]) for what, status, body in answers
                if status not in {"issue": (201,), "revoke": (204,), "rename": (302,)}[what]]
    assert failures == []
    assert not any("locked" in body for _w, _s, body in answers)
    with sqlite3.connect(tmp_path / "shared.db") as conn:
        # every token issued during the test was revoked again; the setup's one per writer remains
        assert conn.execute("SELECT count(*) FROM api_tokens").fetchone()[0] == WRITERS
        names = {row[0] for row in conn.execute("SELECT name FROM users")}
    assert names == {f"Schreiber {n}.{ROUNDS - 1}" for n in range(WRITERS)}
    for server in (first, second):
        assert "locked" not in server.errors_log() and "Traceback" not in server.errors_log()


GREENLET_SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import sys
    import gevent
    from sqlalchemy import text
    from config import TestConfig
    from forum import create_app
    from forum.extensions import db

    cfg = TestConfig()
    cfg.INSTANCE_PATH = sys.argv[1]
    cfg.SQLALCHEMY_DATABASE_URI = "sqlite:///" + sys.argv[1] + "/gevent.db"
    cfg.SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 25, "max_overflow": 0}
    app = create_app(cfg)
    with app.app_context():
        db.create_all()
        db.session.execute(text("CREATE TABLE tally (n INTEGER)"))
        db.session.commit()

    errors = []

    def write(n):
        with app.app_context():
            try:
                db.session.execute(text("INSERT INTO tally VALUES (:n)"), {"n": n})
                gevent.sleep(0.01)  # I/O inside the transaction: the hub runs other greenlets
                db.session.execute(text("UPDATE tally SET n = n + 0 WHERE n = :n"), {"n": n})
                db.session.commit()
            except Exception as err:
                errors.append(repr(err))

    gevent.joinall([gevent.spawn(write, n) for n in range(20)], timeout=60)
    with app.app_context():
        count = db.session.execute(text("SELECT count(*) FROM tally")).scalar()
    print("errors", len(errors), errors[:1])
    print("rows", count)
""")


def test_greenlets_yielding_inside_write_transactions(tmp_path):
    result = subprocess.run([sys.executable, "-c", GREENLET_SCRIPT, str(tmp_path)], capture_output=True, text=True,
                            timeout=120, cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "errors 0 []" in result.stdout and "rows 20" in result.stdout, result.stdout + result.stderr[-1000:]
