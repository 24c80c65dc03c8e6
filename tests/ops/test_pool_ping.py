"""Pooled connections are pinged only after lying idle (forum/database.py `_ping_after_idle`).

`pool_pre_ping` cost every request one round trip more; a connection handed out again within
IDLE_PING_SECONDS skips the ping now, and one that lay idle is pinged and, when dead, replaced.
On SQLite always, on PostgreSQL when FORUM_TEST_DATABASE_URL names one.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from forum import database


def _urls(tmp_path) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'ping.db'}"]
    if os.environ.get("FORUM_TEST_DATABASE_URL"):
        urls.append(os.environ["FORUM_TEST_DATABASE_URL"])
    return urls


@pytest.mark.parametrize("backend", [0, pytest.param(1, marks=pytest.mark.postgres)], ids=["sqlite", "postgresql"])
def test_a_connection_in_steady_use_is_not_pinged_and_an_idle_dead_one_is_replaced(backend, tmp_path, monkeypatch):
    urls = _urls(tmp_path)
    if backend >= len(urls):
        pytest.skip("FORUM_TEST_DATABASE_URL is not set")
    engine = create_engine(urls[backend], pool_size=1, max_overflow=0)
    database._ping_after_idle(engine)
    pings = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection) or ping(connection))
    try:
        for _ in range(3):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
        assert pings == []  # a fresh connection, then back in the pool for milliseconds

        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)  # from now on every checkout counts as idle
        with engine.connect() as conn:
            pooled = conn.connection.dbapi_connection
            assert conn.execute(text("SELECT 1")).scalar() == 1
        assert pings == [pooled]

        pooled.close()  # the server went away while the connection lay in the pool
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
            assert conn.connection.dbapi_connection is not pooled
    finally:
        engine.dispose()
