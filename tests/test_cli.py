"""The `forum` command: create-user, seed-demo and serve, run as an operator would."""
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

FORUM = str(Path(sys.executable).with_name("forum"))


@pytest.fixture
def forum_env(tmp_path, _sqlite_template):
    """The environment of an operator's forum on an SQLite database migrated to head (a copy of the
    worker's, made by `flask db upgrade`; tests/test_schema.py runs the migrations themselves)."""
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "inst"),
           "FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "FORUM_SECRET_KEY": "cli-test"}
    env.pop("FORUM_ENV", None)
    shutil.copyfile(_sqlite_template, tmp_path / "cli.db")
    return env


def forum(env, *args):
    return subprocess.run([FORUM, *args], env=env, capture_output=True, text=True, timeout=120)


def test_create_user_prints_id_last(forum_env):
    out = forum(forum_env, "create-user", "org@example.org", "--name", "Org", "--password", "geheim-genug",
                "--stakeholder", "research", "--organisation", "TU", "--verified")
    assert out.returncode == 0, out.stderr
    first_id = int(out.stdout.strip().splitlines()[-1])
    again = forum(forum_env, "create-user", "ORG@example.org", "--name", "Org", "--password", "geheim-genug",
                  "--stakeholder", "research", "--organisation", "TU")
    assert again.returncode != 0 and "bereits registriert" in again.stderr
    second = forum(forum_env, "create-user", "b@example.org", "--name", "B", "--password", "geheim-genug",
                   "--stakeholder", "business", "--organisation", "B GmbH")
    assert int(second.stdout.strip().splitlines()[-1]) == first_id + 1


def test_create_user_asks_for_the_password_when_it_is_not_given(forum_env):
    """The first managing director without the password on the command line: asked twice, hidden."""
    asked = subprocess.run([FORUM, "create-user", "chefin@example.org", "--name", "Chefin", "--stakeholder",
                            "citizen", "--role", "managing_director"], env=forum_env, input="geheim-genug\nanders\n"
                           "geheim-genug\ngeheim-genug\n", capture_output=True, text=True, timeout=120)
    assert asked.returncode == 0, asked.stderr
    assert "geheim-genug" not in asked.stdout + asked.stderr
    assert asked.stderr.count("Passwort wiederholen") == 2  # the first repetition did not match
    user_id = int(asked.stdout.strip().splitlines()[-1])
    from sqlalchemy import create_engine, text

    engine = create_engine(forum_env["FORUM_DATABASE_URL"])
    with engine.connect() as conn:
        role, password_hash = conn.execute(text("SELECT role, password_hash FROM users WHERE id = :i"),
                                           {"i": user_id}).one()
    engine.dispose()
    from werkzeug.security import check_password_hash

    assert role == "managing_director" and check_password_hash(password_hash, "geheim-genug")


def test_seed_demo_is_idempotent(forum_env):
    first = forum(forum_env, "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "neue Einträge" in first.stdout
    second = forum(forum_env, "seed-demo")
    assert second.returncode == 0 and "schon vorhanden" in second.stdout


def test_serve_answers_http_and_websocket(forum_env):
    import socket

    import socketio

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([FORUM, "serve", "--port", str(port)], env=forum_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # a generous start-up allowance on a loaded machine, not a budget
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("forum serve did not answer")
                time.sleep(0.1)
        with urllib.request.urlopen(base + "/", timeout=5) as response:
            assert "Smart-City-Forum" in response.read().decode()
        client = socketio.Client(reconnection=False)
        client.connect(base, transports=["websocket"], wait_timeout=5)
        assert client.transport() == "websocket"
        client.disconnect()
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "Traceback" not in output
