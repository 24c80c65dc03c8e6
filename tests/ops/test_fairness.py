"""A slow request does not hold up a quick one on the same worker (issue 18, item 3).

One `forum serve` process (one gevent worker) with 3,000 public proposals builds
/open-data/proposals.csv in the request (FORUM_OPEN_DATA_MAX_AGE=0): a long CPU loop. While it
runs, /healthz requests are sent one after another; the test asserts order, not time: health
answers arrive *before* the first byte of the slow answer. Without the yields in the loop
(forum/yielding.py) none could: the slow request is accepted first and, once running, would keep
the worker until its answer was written.
"""
from __future__ import annotations

import shutil
import socket
import sqlite3
import threading

import requests

from tests.live.servers import ForumProcess


def _many_proposals(database: str, count: int) -> None:
    with sqlite3.connect(database) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(proposals)") if row[1] != "id"]
        source = conn.execute("SELECT min(id) FROM proposals WHERE council_id IS NULL "
                              "AND status NOT IN ('draft', 'withdrawn')").fetchone()[0]
        assert source is not None
        names = ", ".join(columns)
        conn.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "
                     f"INSERT INTO proposals ({names}) SELECT {names} FROM proposals, n WHERE proposals.id = ?",
                     (source,))


def test_quick_requests_are_answered_while_a_slow_one_runs(tmp_path, _sqlite_template):
    shutil.copyfile(_sqlite_template, tmp_path / "forum.db")
    server = ForumProcess(tmp_path, {"FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}",
                                     "FORUM_OPEN_DATA_MAX_AGE": "0"})
    server.cli("seed-demo")
    _many_proposals(str(tmp_path / "forum.db"), 3000)
    server.start()
    try:
        assert requests.get(server.url + "/open-data/proposals.csv", timeout=60).text.count("\n") > 3000  # warm
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=60)
        slow.sendall(b"GET /open-data/proposals.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        first_byte = threading.Event()

        def wait_for_slow():
            slow.recv(1)
            first_byte.set()

        reader = threading.Thread(target=wait_for_slow)
        reader.start()
        answered_before = 0
        with requests.Session() as quick:
            while not first_byte.is_set() and answered_before < 50:
                response = quick.get(server.url + "/healthz", timeout=60)
                assert response.status_code == 200
                if not first_byte.is_set():
                    answered_before += 1
        reader.join(timeout=60)
        slow.close()
        assert answered_before >= 2, answered_before
    finally:
        server.stop()
